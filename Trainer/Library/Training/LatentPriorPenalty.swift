import DuralavaNN
/// Pushes a batch of latents [N, d] towards the prior N(0, I) dimension by dimension:
/// mean over dimensions of (m_j² + (v_j − 1)²), with m_j, v_j the batch mean and variance
/// of dimension j. Together with per-sample renormalization and the moment penalty this makes
/// encoded frames look like the fresh N(0,1) latents the lamp starts from.
public enum LatentPriorPenalty {
    @discardableResult
    public static func evaluate(latents: Tensor, gradient: Tensor? = nil, scale: Float = 1) -> Float {
        let n = latents.batch, d = latents.itemCount
        precondition(n > 1, "LatentPriorPenalty needs a batch")
        let x = latents.pointer
        var total = 0.0
        for j in 0..<d {
            var m = 0.0
            for b in 0..<n { m += Double(x[b * d + j]) }
            m /= Double(n)
            var v = 0.0
            for b in 0..<n { let c = Double(x[b * d + j]) - m; v += c * c }
            v /= Double(n)
            total += m * m + (v - 1) * (v - 1)
            if let g = gradient?.pointer {
                let w = Double(scale) / Double(d)
                for b in 0..<n {
                    let c = Double(x[b * d + j]) - m
                    g[b * d + j] = Float(w * (2 * m / Double(n) + 2 * (v - 1) * 2 * c / Double(n)))
                }
            }
        }
        return scale * Float(total / Double(d))
    }
}

/// Mean absolute error; its gradient (sign / n, scaled) is written into `gradient` when given.
@discardableResult
public func meanAbsoluteError(prediction: Tensor, target: Tensor, gradient: Tensor? = nil, scale: Float = 1) -> Float {
    let n = prediction.count
    precondition(target.count == n, "meanAbsoluteError: shapes \(prediction.shape) and \(target.shape)")
    let p = prediction.pointer, t = target.pointer
    var s = 0.0
    let gs = scale / Float(n)
    for i in 0..<n {
        let d = p[i] - t[i]
        s += Double(abs(d))
        if let g = gradient?.pointer { g[i] = d > 0 ? gs : (d < 0 ? -gs : 0) }
    }
    return scale * Float(s / Double(n))
}
