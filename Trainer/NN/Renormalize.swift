// Per-sample standardisation: each item's values are shifted and scaled to mean 0 and
// (population) standard deviation 1, exactly what the lamp does to its latent after every
// RNN step (FORMAT.md, the runtime's `renormalize`), so training and inference agree
// (docs/design.md#renormalization-per-sample):
//   y = (x − μ)/σ,  dx = (dy − mean(dy) − y·mean(dy·y)) / σ
// A sample whose σ is below `minimumStd` is divided by `minimumStd` instead (a constant, so
// then dx = (dy − mean(dy)) / minimumStd).

public final class RenormalizeState: LayerState {
    /// 1/σ used per sample, and whether σ was clamped to the minimum.
    public var inverseStd: [Float] = []
    public var clamped: [Bool] = []
}

public final class Renormalize: Layer {
    public let name: String
    public let minimumStd: Float
    public var parameters: [Parameter] { [] }
    public init(name: String = "", minimumStd: Float = 1e-6) { self.name = name; self.minimumStd = minimumStd }
    public func outputShape(for s: [Int]) -> [Int] { s }
    public func makeState() -> LayerState { RenormalizeState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        let s = state as! RenormalizeState
        s.input = input
        let n = input.batch, d = input.itemCount
        let out = s.output.get(input.shape)
        if s.inverseStd.count != n {
            s.inverseStd = [Float](repeating: 0, count: n)
            s.clamped = [Bool](repeating: false, count: n)
        }
        let x = input.pointer, y = out.pointer
        for b in 0..<n {
            let xr = x + b * d, yr = y + b * d
            var sum = 0.0
            for i in 0..<d { sum += Double(xr[i]) }
            let mean = sum / Double(d)
            var sq = 0.0
            for i in 0..<d { let c = Double(xr[i]) - mean; sq += c * c }
            let std = (sq / Double(d)).squareRoot()
            s.clamped[b] = !(std > Double(minimumStd))
            let inv = 1 / (s.clamped[b] ? Double(minimumStd) : std)
            s.inverseStd[b] = Float(inv)
            // Same float arithmetic as the runtime: (x − mean)·(1/σ) in Float.
            let m = Float(mean), fi = Float(inv)
            for i in 0..<d { yr[i] = (xr[i] - m) * fi }
        }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let s = state as! RenormalizeState
        let input = s.input!
        let n = input.batch, d = input.itemCount
        let dxT = s.gradInput.get(input.shape)
        let y = s.output.tensor!.pointer, g = gradOutput.pointer, dx = dxT.pointer
        for b in 0..<n {
            let yr = y + b * d, gr = g + b * d, dr = dx + b * d
            var sg = 0.0, sgy = 0.0
            for i in 0..<d { sg += Double(gr[i]); sgy += Double(gr[i]) * Double(yr[i]) }
            let mg = sg / Double(d), mgy = s.clamped[b] ? 0 : sgy / Double(d)
            let inv = Double(s.inverseStd[b])
            for i in 0..<d { dr[i] = Float((Double(gr[i]) - mg - Double(yr[i]) * mgy) * inv) }
        }
        return dxT
    }
}
