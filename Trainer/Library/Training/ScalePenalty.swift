import DuralavaNN
// The scale half of the normality penalty alone: for each sample's d values,
//   P = (std − 1)²,  std = √(μ₂ + ε) (central second moment, divisor d),
// averaged over the samples; ∂P/∂xᵢ = 2(std − 1)·(xᵢ − mean)/(d·std).
// The full penalty (MomentPenalty) adds skew² and (kurtosis − 3)², whose sampling noise at
// d = 64 is larger than the scale error it should correct; this one weighs only the scale.

public enum ScalePenalty {
    /// Mean penalty over the samples of `latents` ([N, d]); writes the gradient of
    /// `scale`·penalty into `gradient` (overwriting) when given.
    @discardableResult
    public static func evaluate(latents x: Tensor, gradient: Tensor? = nil, scale: Float = 1, epsilon: Float = 1e-6) -> Float {
        let n = x.batch, d = x.count / max(n, 1)
        var total: Double = 0
        for i in 0..<n {
            let row = x.pointer + i * d
            var mean: Double = 0
            for k in 0..<d { mean += Double(row[k]) }
            mean /= Double(d)
            var m2: Double = 0
            for k in 0..<d { let c = Double(row[k]) - mean; m2 += c * c }
            let std = (m2 / Double(d) + Double(epsilon)).squareRoot()
            total += (std - 1) * (std - 1)
            if let gradient {
                let g = gradient.pointer + i * d
                let f = Double(scale) * 2 * (std - 1) / (Double(d) * std * Double(n))
                for k in 0..<d { g[k] = Float(f * (Double(row[k]) - mean)) }
            }
        }
        return scale * Float(total / Double(n))
    }
}
