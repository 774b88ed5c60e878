import DuralavaNN
import DuralavaRuntime

// A per-frame critic on decoded rollouts (an experiment, docs/training.md): phase 2 decodes some rollout latents
// through the frozen generator (inference mode, as the lamp's runtime does) and this critic
// learns to tell those frames from real footage frames; its non-saturating loss is
// back-propagated through the frozen generator into the latents, and from there through the
// unroll into the RNN. The original system's idea of judging the lamp in pixel space, made
// affordable by training only the RNN: the generator's weights receive no gradient.
//
// The critic is phase 1's (the frame-critic conv stack, LeakyReLU, a linear head, optionally a
// blur in front of it), with fresh weights and its own Adam; it exists only when its weight
// is above 0, so checkpoints of runs without it hold no pixel-critic tensors.
//
// With a lag L > 0 it judges pairs instead: frame t and frame t + L side by side in the channels
// (6 in all), decoded rollouts against footage frames L steps apart. A single frame rewards a
// lamp-like still; a pair shows how far the blobs travelled in L steps, which is what the
// report card's blob speed measures (the original system's critic judged clips).

public final class PixelCritic {
    public let critic: Sequential
    public let optimizer: Adam
    private let realState: LayerState, fakeState: LayerState, generatorSideState: LayerState

    /// Name of its optimizer in checkpoints; its parameters are named "pixel_critic.…".
    public static let optimizerName = "dynamics.pixel_critic"
    /// Prefixes of every checkpoint tensor that belongs to it.
    public static let checkpointPrefixes = ["param.pixel_critic.", "opt.\(optimizerName)."]

    public init(arch: LampArchitecture, blurRadius: Int, pairs: Bool = false, rng: inout RandomGenerator) {
        critic = FramePhase.makeCritic(name: "pixel_critic", arch: arch, blurRadius: blurRadius, inputChannels: pairs ? 6 : 3, rng: &rng)
        optimizer = Adam(parameters: critic.trainableParameters, beta1: 0.5)
        realState = critic.makeState(); fakeState = critic.makeState(); generatorSideState = critic.makeState()
    }

    public var parameters: [Parameter] { critic.parameters }

    public struct Losses {
        /// The critic's own loss (real towards the real label, decoded rollouts towards 0).
        public var critic: Float = 0
        /// The weighted generator-side loss (decoded rollouts towards 1).
        public var adversarial: Float = 0
    }

    /// Decodes `latents` [m, latent] with `generator` in inference mode: the frames and the
    /// state a backward call needs.
    public static func decode(_ latents: Tensor, with generator: Layer) -> (frames: Tensor, state: LayerState) {
        let state = generator.makeState()
        return (generator.forward(latents, state: state, training: false), state)
    }

    /// One critic update on `real` frames against `fake` ones (decoded rollouts, held fixed).
    public func update(real: Tensor, fake: Tensor, learningRate: Float, realLabel: Float) -> Float {
        updateCritic(critic, optimizer: optimizer, learningRate: learningRate, real: real, fake: fake,
                     realLabel: realLabel, realState: realState, fakeState: fakeState,
                     realGradient: Tensor(shape: [real.batch, 1]), fakeGradient: Tensor(shape: [fake.batch, 1]))
    }

    /// The generator-side loss weight·BCE(critic(frames), 1) of decoded frames and its gradient
    /// with respect to the latents they were decoded from (through the frozen generator: no
    /// parameter gradients anywhere, the critic's included).
    public func generatorSide(frames: Tensor, decodeState: LayerState, generator: Layer, weight: Float)
        -> (loss: Float, latentGradient: Tensor) {
        let (loss, pixelGradient) = generatorSide(judged: frames, weight: weight)
        let latentGradient = generator.backward(pixelGradient, state: decodeState, options: .inputOnly)!
        return (loss, latentGradient)
    }

    /// The same for pairs: `frames` holds the m first frames then the m second ones, decoded
    /// together; the gradient is for those 2m latents in that order.
    public func generatorSide(pairsOf frames: Tensor, decodeState: LayerState, generator: Layer, weight: Float)
        -> (loss: Float, latentGradient: Tensor) {
        let (loss, pairGradient) = generatorSide(judged: PixelCritic.pairs(frames), weight: weight)
        let latentGradient = generator.backward(PixelCritic.unpair(pairGradient), state: decodeState, options: .inputOnly)!
        return (loss, latentGradient)
    }

    private func generatorSide(judged: Tensor, weight: Float) -> (Float, Tensor) {
        let logits = critic.forward(judged, state: generatorSideState, training: true)
        let g = Tensor(shape: logits.shape)
        let loss = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 1, gradient: g, scale: weight)
        return (loss, critic.backward(g, state: generatorSideState, options: .inputOnly)!)
    }

    /// [2m, H, W, 3] (m first frames, then the m second ones) → [m, H, W, 6]: each pixel's
    /// first-frame RGB, then its second-frame RGB.
    public static func pairs(_ frames: Tensor) -> Tensor {
        let s = frames.shape, m = s[0] / 2, pixels = s[1] * s[2]
        precondition(s.count == 4 && s[3] == 3 && s[0] % 2 == 0, "pairs of RGB frames")
        let out = Tensor(shape: [m, s[1], s[2], 6])
        let x = frames.pointer, y = out.pointer
        for j in 0..<m {
            for p in 0..<pixels {
                let o = (j * pixels + p) * 6, a = (j * pixels + p) * 3, b = ((m + j) * pixels + p) * 3
                for c in 0..<3 { y[o + c] = x[a + c]; y[o + 3 + c] = x[b + c] }
            }
        }
        return out
    }

    /// The inverse of `pairs` (for gradients).
    public static func unpair(_ pairs: Tensor) -> Tensor {
        let s = pairs.shape, m = s[0], pixels = s[1] * s[2]
        precondition(s.count == 4 && s[3] == 6, "6-channel pairs")
        let out = Tensor(shape: [2 * m, s[1], s[2], 3])
        let x = pairs.pointer, y = out.pointer
        for j in 0..<m {
            for p in 0..<pixels {
                let o = (j * pixels + p) * 6, a = (j * pixels + p) * 3, b = ((m + j) * pixels + p) * 3
                for c in 0..<3 { y[a + c] = x[o + c]; y[b + c] = x[o + 3 + c] }
            }
        }
        return out
    }
}
