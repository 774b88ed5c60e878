import DuralavaNN
// The normality penalty on latents (docs/design.md#the-reference-system): for each sample's d values,
//   P = mean² + (std − 1)² + skew² + (kurtosis − 3)²
// with std = √(μ₂ + ε), skew = μ₃/std³, kurtosis = μ₄/std⁴ (central moments μₖ, divisor d),
// averaged over the samples. Gradient, with c = x − mean (Σc = 0):
//   ∂mean/∂xᵢ = 1/d, ∂μ₂/∂xᵢ = 2cᵢ/d, ∂μ₃/∂xᵢ = 3(cᵢ² − μ₂)/d, ∂μ₄/∂xᵢ = 4(cᵢ³ − μ₃)/d,
//   ∂std = ∂μ₂/(2 std), ∂skew = ∂μ₃/std³ − 3·skew·∂std/std, ∂kurt = ∂μ₄/std⁴ − 4·kurt·∂std/std.

public enum MomentPenalty {
    public struct Moments: Equatable, Sendable {
        public var mean: Double, std: Double, skew: Double, kurtosis: Double
    }

    /// Moments of one sample's values.
    public static func moments(_ x: UnsafePointer<Float>, count d: Int, epsilon: Double = 1e-6) -> Moments {
        var s = 0.0
        for i in 0..<d { s += Double(x[i]) }
        let mean = s / Double(d)
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for i in 0..<d {
            let c = Double(x[i]) - mean, c2 = c * c
            m2 += c2; m3 += c2 * c; m4 += c2 * c2
        }
        m2 /= Double(d); m3 /= Double(d); m4 /= Double(d)
        let std = (m2 + epsilon).squareRoot()
        return Moments(mean: mean, std: std, skew: m3 / (std * std * std), kurtosis: m4 / (std * std * std * std))
    }

    /// Mean penalty over the samples of `latents` ([N, d]); writes the gradient of
    /// `scale`·penalty into `gradient` (overwriting) when given.
    @discardableResult
    public static func evaluate(latents: Tensor, gradient: Tensor? = nil, scale: Float = 1, epsilon: Double = 1e-6) -> Float {
        let n = latents.batch, d = latents.itemCount
        precondition(n > 0 && d > 1, "MomentPenalty: latents \(latents.shape)")
        if let gradient { precondition(gradient.count == latents.count, "MomentPenalty: gradient \(gradient.shape)") }
        let x = latents.pointer, g = gradient?.pointer
        var total = 0.0
        let dd = Double(d)
        for b in 0..<n {
            let xr = x + b * d
            let m = moments(xr, count: d, epsilon: epsilon)
            let std = m.std
            total += m.mean * m.mean + (std - 1) * (std - 1) + m.skew * m.skew + (m.kurtosis - 3) * (m.kurtosis - 3)
            guard let g else { continue }
            let gr = g + b * d
            let mu2 = std * std - epsilon
            let mu3 = m.skew * std * std * std
            let std3 = std * std * std, std4 = std3 * std
            let w = Double(scale) / Double(n)
            for i in 0..<d {
                let c = Double(xr[i]) - m.mean
                let dMean = 1 / dd
                let dMu2 = 2 * c / dd
                let dMu3 = 3 * (c * c - mu2) / dd
                let dMu4 = 4 * (c * c * c - mu3) / dd
                let dStd = dMu2 / (2 * std)
                let dSkew = dMu3 / std3 - 3 * m.skew * dStd / std
                let dKurt = dMu4 / std4 - 4 * m.kurtosis * dStd / std
                let dP = 2 * m.mean * dMean + 2 * (std - 1) * dStd + 2 * m.skew * dSkew + 2 * (m.kurtosis - 3) * dKurt
                gr[i] = Float(w * dP)
            }
        }
        return scale * Float(total / Double(n))
    }

    /// Moments averaged over the samples (for logs and reports).
    public static func averageMoments(_ latents: Tensor) -> Moments {
        let n = latents.batch, d = latents.itemCount
        var acc = Moments(mean: 0, std: 0, skew: 0, kurtosis: 0)
        for b in 0..<n {
            let m = moments(latents.pointer + b * d, count: d)
            acc.mean += m.mean; acc.std += m.std; acc.skew += m.skew; acc.kurtosis += m.kurtosis
        }
        let k = Double(max(n, 1))
        return Moments(mean: acc.mean / k, std: acc.std / k, skew: acc.skew / k, kurtosis: acc.kurtosis / k)
    }
}
