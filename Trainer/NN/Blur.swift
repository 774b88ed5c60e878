// A fixed binomial low-pass filter over NHWC images, per channel, zero padding outside.
// Put in front of a critic it hides pixel-level texture from it: the critic then judges shapes
// and edges, and its gradient — blurred by the same filter on the way back — no longer asks
// the generator for high-frequency speckle (what an unfiltered per-frame critic taught ours).
// The kernel is symmetric and zero padding truncates it symmetrically, so the operator is its
// own adjoint: backward applies the same filter to the gradient.

public final class Blur: Layer {
    public let name: String
    /// Binomial taps, e.g. [1, 2, 1]/4 for radius 1, [1, 4, 6, 4, 1]/16 for radius 2.
    public let taps: [Float]
    public var parameters: [Parameter] { [] }

    public init(name: String = "", radius: Int) {
        precondition(radius >= 1, "Blur \(name): radius must be at least 1")
        self.name = name
        var row: [Double] = [1]
        for _ in 0..<(2 * radius) { row = zip(row + [0], [0] + row).map { $0 + $1 } }
        let sum = row.reduce(0, +)
        taps = row.map { Float($0 / sum) }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        precondition(input.shape.count == 4, "Blur \(name): expected NHWC, got \(input.shape)")
        state.input = input
        let out = state.output.get(input.shape)
        filter(input, into: out)
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let dx = state.gradInput.get(gradOutput.shape)
        filter(gradOutput, into: dx)
        return dx
    }

    /// Separable filtering: rows, then columns, through a per-image scratch.
    private func filter(_ x: Tensor, into y: Tensor) {
        let n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3], r = taps.count / 2
        let src = x.pointer, dst = y.pointer
        taps.withUnsafeBufferPointer { k in
            Compute.parallelRanges(n) { _, images in
                let tmp = UnsafeMutablePointer<Float>.allocate(capacity: h * w * c)
                defer { tmp.deallocate() }
                for i in images {
                    let xi = src + i * h * w * c, yi = dst + i * h * w * c
                    for row in 0..<h {
                        for col in 0..<w {
                            let o = tmp + (row * w + col) * c
                            for ch in 0..<c { o[ch] = 0 }
                            for t in max(0, r - col)..<min(k.count, w - col + r) {
                                let s = xi + (row * w + col + t - r) * c, kt = k[t]
                                for ch in 0..<c { o[ch] += kt * s[ch] }
                            }
                        }
                    }
                    for row in 0..<h {
                        for col in 0..<w {
                            let o = yi + (row * w + col) * c
                            for ch in 0..<c { o[ch] = 0 }
                            for t in max(0, r - row)..<min(k.count, h - row + r) {
                                let s = tmp + ((row + t - r) * w + col) * c, kt = k[t]
                                for ch in 0..<c { o[ch] += kt * s[ch] }
                            }
                        }
                    }
                }
            }
        }
    }
}
