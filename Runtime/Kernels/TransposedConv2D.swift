/// Reference float transposed 2-D convolution on channels-last (HWC) images with "same"
/// padding (output = input × stride), as specified in FORMAT.md:
///   out[oy, ox, co] = bias[co] + Σ in[iy, ix, ci] · w[ky, kx, co, ci],  oy = iy·s + ky − p.
/// Computed in gather form over `TransposedConvGeometry.forEachTap` (no multiplies by
/// inserted zeros).
public struct TransposedConv2D {
    public let geometry: TransposedConvGeometry
    /// Weights repacked to [ky, kx, ci, co] so the inner loop runs over contiguous co.
    private let packed: [Float]
    public let bias: [Float]

    public var inputHeight: Int { geometry.inputHeight }
    public var inputWidth: Int { geometry.inputWidth }
    public var inputChannels: Int { geometry.inputChannels }
    public var outputChannels: Int { geometry.outputChannels }
    public var kernelHeight: Int { geometry.kernelHeight }
    public var kernelWidth: Int { geometry.kernelWidth }
    public var strideHeight: Int { geometry.strideHeight }
    public var strideWidth: Int { geometry.strideWidth }
    public var outputHeight: Int { geometry.outputHeight }
    public var outputWidth: Int { geometry.outputWidth }

    /// `weight` in file layout [kh, kw, cout, cin].
    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                weight: [Float], bias: [Float]?) {
        self.init(geometry: TransposedConvGeometry(
            inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
            outputChannels: outputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: strideHeight, strideWidth: strideWidth), weight: weight, bias: bias)
    }

    public init(geometry g: TransposedConvGeometry, weight: [Float], bias: [Float]?) {
        precondition(weight.count == g.kernelHeight * g.kernelWidth * g.outputChannels * g.inputChannels)
        geometry = g
        let cin = g.inputChannels, cout = g.outputChannels
        var p = [Float](repeating: 0, count: weight.count)
        for k in 0..<(g.kernelHeight * g.kernelWidth) {
            for co in 0..<cout {
                for ci in 0..<cin { p[(k * cin + ci) * cout + co] = weight[(k * cout + co) * cin + ci] }
            }
        }
        packed = p
        self.bias = bias ?? [Float](repeating: 0, count: cout)
    }

    /// The weights in file layout [kh, kw, cout, cin] (what the converter quantizes).
    public var weight: [Float] {
        let cin = inputChannels, cout = outputChannels
        var w = [Float](repeating: 0, count: packed.count)
        for k in 0..<(kernelHeight * kernelWidth) {
            for co in 0..<cout {
                for ci in 0..<cin { w[(k * cout + co) * cin + ci] = packed[(k * cin + ci) * cout + co] }
            }
        }
        return w
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let cin = g.inputChannels, cout = g.outputChannels
        packed.withUnsafeBufferPointer { wbuf in
            bias.withUnsafeBufferPointer { b in
                let w = wbuf.baseAddress!
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        let acc = output + (oy * g.outputWidth + ox) * cout
                        for co in 0..<cout { acc[co] = b[co] }
                        g.forEachTap(oy: oy, ox: ox) { iy, ix, ky, kx in
                            let x = input + (iy * g.inputWidth + ix) * cin
                            let wt = w + (ky * g.kernelWidth + kx) * cin * cout
                            for ci in 0..<cin {
                                let v = x[ci]
                                let row = wt + ci * cout
                                for co in 0..<cout { acc[co] += v * row[co] }
                            }
                        }
                    }
                }
            }
        }
    }
}
