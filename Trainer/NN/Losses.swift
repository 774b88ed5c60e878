// Losses: each returns the mean loss (accumulated in Double) and, when a gradient tensor
// is given, writes d(scale·loss)/d(input) into it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum Loss {
    /// Binary cross-entropy on logits against one target for every element (1 = real),
    /// averaged over all elements: max(l, 0) − l·t + log(1 + e^−|l|).
    @discardableResult
    public static func binaryCrossEntropyWithLogits(logits: Tensor, target: Float, gradient: Tensor? = nil,
                                                    scale: Float = 1) -> Float {
        bce(logits: logits, targetAt: { _ in target }, gradient: gradient, scale: scale)
    }

    /// Binary cross-entropy on logits with one target per element.
    @discardableResult
    public static func binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor, gradient: Tensor? = nil,
                                                    scale: Float = 1) -> Float {
        precondition(targets.count == logits.count, "BCE: \(targets.count) targets for \(logits.count) logits")
        let t = targets.pointer
        return bce(logits: logits, targetAt: { t[$0] }, gradient: gradient, scale: scale)
    }

    private static func bce(logits: Tensor, targetAt: (Int) -> Float, gradient: Tensor?, scale: Float) -> Float {
        let n = logits.count
        precondition(n > 0, "BCE: empty logits")
        if let gradient { precondition(gradient.count == n, "BCE: gradient \(gradient.shape) for logits \(logits.shape)") }
        let l = logits.pointer
        var sum = 0.0
        let g = gradient?.pointer
        let gs = scale / Float(n)
        for i in 0..<n {
            let x = Double(l[i]), t = Double(targetAt(i))
            sum += max(x, 0) - x * t + log1p(exp(-abs(x)))
            if let g { g[i] = gs * (sigmoid(l[i]) - Float(t)) }
        }
        return scale * Float(sum / Double(n))
    }

    /// Mean squared error over all elements.
    @discardableResult
    public static func meanSquaredError(prediction: Tensor, target: Tensor, gradient: Tensor? = nil,
                                        scale: Float = 1) -> Float {
        let n = prediction.count
        precondition(n > 0 && target.count == n, "MSE: prediction \(prediction.shape), target \(target.shape)")
        if let gradient { precondition(gradient.count == n, "MSE: gradient \(gradient.shape)") }
        let p = prediction.pointer, t = target.pointer, g = gradient?.pointer
        var sum = 0.0
        let gs = 2 * scale / Float(n)
        for i in 0..<n {
            let d = p[i] - t[i]
            sum += Double(d) * Double(d)
            if let g { g[i] = gs * d }
        }
        return scale * Float(sum / Double(n))
    }
}
