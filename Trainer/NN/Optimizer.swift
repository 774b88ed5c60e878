// What every optimizer provides: an update from the accumulated gradients, and its state
// as named tensors plus scalars, so checkpoints can save and restore it exactly.

public protocol Optimizer: AnyObject {
    /// "adam" or "sgd"; written to checkpoints and checked on resume.
    var kind: String { get }
    /// The trainable parameters it updates, in a fixed order.
    var parameters: [Parameter] { get }
    /// Number of updates applied so far.
    var stepCount: Int { get set }
    /// Applies one update with the given learning rate (does not clear the gradients).
    func step(learningRate: Float)
    /// Per-parameter state tensors, keyed `<slot>.<parameter name>` (e.g. `m.generator.tconv1.weight`).
    var stateTensors: [(name: String, tensor: Tensor)] { get }
}

/// Scales all gradients so their joint L2 norm is at most `maxNorm`; returns the norm
/// before clipping (accumulated in Double).
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    let norm = gradientNorm(parameters)
    if norm > maxNorm && norm > 0 {
        let s = maxNorm / norm
        for p in parameters where p.isTrainable {
            let g = p.gradient.pointer
            for i in 0..<p.gradient.count { g[i] *= s }
        }
    }
    return norm
}

/// Joint L2 norm of the gradients of the trainable parameters.
public func gradientNorm(_ parameters: [Parameter]) -> Float {
    var sum = 0.0
    for p in parameters where p.isTrainable {
        let g = p.gradient.pointer
        for i in 0..<p.gradient.count { sum += Double(g[i]) * Double(g[i]) }
    }
    return Float(sum.squareRoot())
}

/// Cosine decay from `initial` to `final` over `totalSteps`, after an optional linear
/// warm-up; constant at `final` afterwards.
public struct CosineSchedule: Sendable, Equatable {
    public var initial: Float
    public var final: Float
    public var totalSteps: Int
    public var warmupSteps: Int

    public init(initial: Float, final: Float = 0, totalSteps: Int, warmupSteps: Int = 0) {
        precondition(totalSteps > 0 && warmupSteps >= 0, "CosineSchedule: bad step counts")
        self.initial = initial; self.final = final
        self.totalSteps = totalSteps; self.warmupSteps = warmupSteps
    }

    /// Learning rate for update number `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return initial * Float(step + 1) / Float(warmupSteps) }
        let span = max(totalSteps - warmupSteps, 1)
        let t = min(Double(step - warmupSteps) / Double(span), 1)
        return final + (initial - final) * Float(0.5 * (1 + _cos(Double.pi * t)))
    }
}
