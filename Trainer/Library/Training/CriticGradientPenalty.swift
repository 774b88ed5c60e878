import DuralavaNN

/// The R1 gradient penalty on a critic (Mescheder et al. 2018): (γ/2)·mean over real frames
/// of ‖∇ₓD(x)‖². It keeps the critic's surface flat around the footage, so the generator is
/// pushed towards footage-like shapes instead of towards a texture the critic happens to
/// like (docs/training.md, "The sphere": an unregularized critic's texture grew into the
/// decoder in every run).
///
/// The penalty's parameter gradient needs a second derivative, γ·mean Hθₓ·g with g = ∇ₓD(x),
/// which the trainer's layers (first-order backward only) do not have. It is the directional
/// derivative of ∇θD along g, so a central difference gives it with two more forwards and
/// backwards: (∇θD(x + εg) − ∇θD(x − εg)) / 2ε. ε is chosen so that εg moves pixels by about
/// 1e-3 (RMS), small against a level (1/255) and large against Float rounding.
///
/// Applied lazily (every `interval` critic updates, its weight multiplied by the interval, as
/// StyleGAN2 does) so that it adds well under half a critic update per step.
public final class CriticGradientPenalty {
    public let weight: Float
    public let interval: Int
    private let state: LayerState, perturbedState: LayerState
    private var updates = 0
    /// The penalty (γ/2)·mean‖∇ₓD‖² at its last evaluation (for the metrics).
    public private(set) var lastValue: Float = 0

    /// The step ε·g takes, as an RMS per pixel.
    static let stepRMS: Float = 1e-3

    public init(weight: Float, interval: Int = 4, critic: Layer) {
        precondition(weight > 0 && interval >= 1)
        self.weight = weight
        self.interval = interval
        state = critic.makeState()
        perturbedState = critic.makeState()
    }

    /// Counts one critic update; on every `interval`-th, accumulates the penalty's parameter
    /// gradient (scaled by the interval) into the critic's gradients and updates `lastValue`.
    func accumulateIfDue(critic: Layer, real: Tensor) {
        updates += 1
        guard (updates - 1) % interval == 0 else { return }
        lastValue = accumulate(critic: critic, real: real, scale: Float(interval))
    }

    /// Accumulates `scale`·∇θ of the penalty into the critic's parameter gradients and returns
    /// the penalty (γ/2)·mean‖∇ₓD‖².
    @discardableResult
    public func accumulate(critic: Layer, real: Tensor, scale: Float = 1) -> Float {
        let n = real.batch
        let logits = critic.forward(real, state: state, training: true)
        let ones = Tensor(shape: logits.shape)
        ones.fill(1)
        // One logit per frame, so ∇ₓ of their sum holds each frame's own ∇ₓD.
        let g = critic.backward(ones, state: state, options: .inputOnly)!.clone()
        var squares: Double = 0
        for i in 0..<g.count { squares += Double(g.pointer[i]) * Double(g.pointer[i]) }
        let penalty = Float(Double(weight) / 2 * squares / Double(n))
        let rms = Float((squares / Double(g.count)).squareRoot())
        guard rms > 0, rms.isFinite else { return penalty }
        let epsilon = Self.stepRMS / rms
        // Parameter gradient of the penalty: γ/n · Σᵢ Hθₓ gᵢ ≈ γ/(2nε) · (∇θΣD(x + εg) − ∇θΣD(x − εg)).
        // The central difference: a one-sided one erred by 3 % at this ε in the unit test.
        let c = scale * weight / (2 * Float(n) * epsilon)
        let logitGradient = Tensor(shape: logits.shape)
        for sign: Float in [1, -1] {
            let shifted = real.clone()
            for i in 0..<shifted.count { shifted.pointer[i] += sign * epsilon * g.pointer[i] }
            _ = critic.forward(shifted, state: perturbedState, training: true)
            logitGradient.fill(sign * c)
            critic.backward(logitGradient, state: perturbedState, options: .parametersOnly)
        }
        return penalty
    }
}
