// One joint adversarial training step of the reference system (docs/design.md#the-reference-system), as the seed
// computes it with two gradient tapes over one forward pass:
//
//   latents   z₀ (carried from the last batch, or fresh N(0,1) with probability 0.5),
//             z_{t+1} = renormalize(RNN(z_t)), penalty on every RNN output
//   frames    G(z_t) for t < T, all T·B frames in one batch
//   critic    per-frame encoder → recurrent critic over [features_t, state_{t−1}] → head,
//             one logit per step; BCE on logits averaged over the sequence
//   critic loss     BCE(real, 1) + BCE(fake, 0)                  → critic optimizer
//   generator loss  BCE(fake, 1) + 0.1 · mean_t penalty(y_t)     → generator + RNN optimizer
//
// Frames are time-major: [T·B, H, W, 3] with the B frames of step t at rows t·B..<(t+1)·B,
// so each step's features are a contiguous slice. The critic runs on real frames (forward,
// backward), then on generated ones (forward, backward for its own loss, backward again for
// the generator's), so only one batch of critic activations is held at a time.

import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer

public struct AdversarialStepLosses: Sendable {
    public var criticReal: Float
    public var criticFake: Float
    public var generatorAdversarial: Float
    public var normalityPenalty: Float
    public var criticLoss: Float { criticReal + criticFake }
    public var generatorLoss: Float { generatorAdversarial + normalityPenaltyWeighted }
    public var normalityPenaltyWeighted: Float
}

public final class AdversarialTrainer {
    public let generator: Sequential
    public let rnn: Sequential
    public let frameCritic: Sequential
    public let recurrentCritic: Sequential
    public let criticHead: Sequential
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let batchSize: Int
    public let sequenceLength: Int
    public let latentDim: Int
    public let criticStateSize: Int
    public var penaltyWeight: Float = 0.1
    public var restartProbability: Float = 0.5
    public var rng: RandomGenerator
    /// The last latent of the previous batch, per sequence ([B, latent]; saved in checkpoints).
    public let carriedLatent: Parameter
    public var stepCount = 0

    /// Generator-side parameters (generator + RNN) and critic-side parameters.
    public var generatorParameters: [Parameter] { generator.parameters + rnn.parameters }
    public var criticParameters: [Parameter] { frameCritic.parameters + recurrentCritic.parameters + criticHead.parameters }
    /// Everything a checkpoint must hold besides optimizer and RNG state.
    public var checkpointParameters: [Parameter] { generatorParameters + criticParameters + [carriedLatent] }

    /// Saves parameters, both optimizers ("generator", "critic"), the RNG ("trainer") and
    /// the step counter.
    public func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        try Checkpoint.save(to: path, parameters: checkpointParameters,
                            optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer],
                            randomGenerators: ["trainer": rng], step: stepCount, metadata: metadata)
    }

    /// Restores what `saveCheckpoint` wrote; the next step continues exactly.
    @discardableResult
    public func loadCheckpoint(from path: String) throws -> CheckpointContents {
        let c = try Checkpoint.load(from: path, parameters: checkpointParameters,
                                    optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer],
                                    requiredRandomGenerators: ["trainer"])
        rng = c.randomGenerators["trainer"]!
        stepCount = c.step
        return c
    }

    // Per-call states, kept so buffers are reused from step to step.
    private let generatorState: LayerState
    private let frameCriticState: LayerState
    private let rnnStates: [LayerState]
    private let renormalizer = Renormalize(name: "renormalize")
    private let renormStates: [LayerState]
    private let recurrentStates: [LayerState]
    private let headStates: [LayerState]
    private let concat = Concat()
    private let concatStates: [ConcatState]
    private let latents: Tensor          // [T·B, latent]
    private let latentGradient: Tensor   // [B, latent]
    private let penaltyGradient: Tensor  // [B, latent]
    private let zeroState: Tensor        // [B, state]
    private let logits: Tensor           // [T·B, 1]
    private let logitGradient: Tensor
    private var featureGradient = ReusableBuffer()
    private var lastFeatures: Tensor?
    private let stateGradient: Tensor    // [B, state]

    public init(generator: Sequential, rnn: Sequential, frameCritic: Sequential, recurrentCritic: Sequential,
                criticHead: Sequential, generatorOptimizer: Optimizer, criticOptimizer: Optimizer,
                batchSize: Int, sequenceLength: Int, latentDim: Int = 64, criticStateSize: Int = 128, seed: UInt64) {
        precondition(sequenceLength >= 1 && batchSize >= 1)
        self.generator = generator; self.rnn = rnn; self.frameCritic = frameCritic
        self.recurrentCritic = recurrentCritic; self.criticHead = criticHead
        self.generatorOptimizer = generatorOptimizer; self.criticOptimizer = criticOptimizer
        self.batchSize = batchSize; self.sequenceLength = sequenceLength
        self.latentDim = latentDim; self.criticStateSize = criticStateSize
        rng = RandomGenerator(seed: seed)
        carriedLatent = Parameter(name: "trainer.carried_latent", shape: [batchSize, latentDim], isTrainable: false)
        generatorState = generator.makeState()
        frameCriticState = frameCritic.makeState()
        rnnStates = (0..<sequenceLength).map { _ in rnn.makeState() }
        let renorm = renormalizer
        renormStates = (0..<sequenceLength).map { _ in renorm.makeState() }
        recurrentStates = (0..<sequenceLength).map { _ in recurrentCritic.makeState() }
        headStates = (0..<sequenceLength).map { _ in criticHead.makeState() }
        concatStates = (0..<sequenceLength).map { _ in ConcatState() }
        latents = Tensor(shape: [sequenceLength * batchSize, latentDim])
        latentGradient = Tensor(shape: [batchSize, latentDim])
        penaltyGradient = Tensor(shape: [batchSize, latentDim])
        zeroState = Tensor(shape: [batchSize, criticStateSize])
        logits = Tensor(shape: [sequenceLength * batchSize, 1])
        logitGradient = Tensor(shape: [sequenceLength * batchSize, 1])
        stateGradient = Tensor(shape: [batchSize, criticStateSize])
        rng.fillGaussian(carriedLatent.value.buffer)
    }

    /// Runs one step on `realFrames` ([T·B, H, W, 3], time-major, values in [0,1]) and
    /// applies both optimizers with the given learning rates.
    @discardableResult
    public func step(realFrames: Tensor, generatorLearningRate: Float, criticLearningRate: Float) -> AdversarialStepLosses {
        let T = sequenceLength, B = batchSize, D = latentDim
        precondition(realFrames.batch == T * B, "AdversarialTrainer: \(realFrames.batch) real frames, expected \(T * B)")
        zeroGradients(generatorParameters)
        zeroGradients(criticParameters)

        // 1. Latent trajectories: z₀ carried or fresh, then the RNN, renormalised per sample.
        let z0 = latents.slice(batch: 0..<B)
        for b in 0..<B {
            let dst = z0.pointer + b * D
            if rng.uniformFloat() < restartProbability {
                rng.fillGaussian(UnsafeMutableBufferPointer(start: dst, count: D))
            } else {
                dst.update(from: carriedLatent.value.pointer + b * D, count: D)
            }
        }
        var penaltySum: Float = 0
        for t in 0..<T {
            let z = latents.slice(batch: t * B..<(t + 1) * B)
            let y = rnn.forward(z, state: rnnStates[t], training: true)
            penaltySum += MomentPenalty.evaluate(latents: y)
            let next = renormalizer.forward(y, state: renormStates[t], training: true)
            if t + 1 < T { latents.slice(batch: (t + 1) * B..<(t + 2) * B).copy(from: next) } else { carriedLatent.value.copy(from: next) }
        }
        let penalty = penaltySum / Float(T)

        // 2. Frames.
        let fake = generator.forward(latents, state: generatorState, training: true)

        // 3. Critic on real frames: forward, backward of BCE(real, 1) into critic gradients.
        criticForward(realFrames)
        let lossReal = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 1, gradient: logitGradient)
        criticBackward(options: .parametersOnly)

        // 4. Critic on generated frames: its own loss, then the generator's through it.
        criticForward(fake)
        let lossFake = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 0, gradient: logitGradient)
        criticBackward(options: .parametersOnly)
        let lossGenerator = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 1, gradient: logitGradient)
        let frameGradient = criticBackward(options: .inputOnly)!

        // 5. Generator, then back through time into the RNN.
        let dLatents = generator.backward(frameGradient, state: generatorState, options: .all)!
        latentGradient.fill(0)
        let penaltyScale = penaltyWeight / Float(T)
        for t in stride(from: T - 1, through: 0, by: -1) {
            // Gradient reaching renormalize(y_t) = z_{t+1}: from its frame (t + 1 < T) and
            // from the RNN step that consumed it (carried in latentGradient).
            if t + 1 < T {
                let g = dLatents.slice(batch: (t + 1) * B..<(t + 2) * B)
                for i in 0..<(B * D) { latentGradient.pointer[i] += g.pointer[i] }
            }
            let dy = renormalizer.backward(latentGradient, state: renormStates[t], options: .all)!
            let y = rnnStates[t] as! SequentialState
            MomentPenalty.evaluate(latents: y.states.last!.output.tensor!, gradient: penaltyGradient, scale: penaltyScale)
            for i in 0..<(B * D) { dy.pointer[i] += penaltyGradient.pointer[i] }
            let dz = rnn.backward(dy, state: rnnStates[t], options: BackwardOptions(inputGradient: t > 0, parameterGradients: true))
            if let dz { latentGradient.copy(from: dz) }
        }

        generatorOptimizer.step(learningRate: generatorLearningRate)
        criticOptimizer.step(learningRate: criticLearningRate)
        stepCount += 1
        return AdversarialStepLosses(criticReal: lossReal, criticFake: lossFake, generatorAdversarial: lossGenerator,
                                     normalityPenalty: penalty, normalityPenaltyWeighted: penaltyWeight * penalty)
    }

    /// Per-frame encoder on all frames, then the recurrent critic and head step by step;
    /// logits land in `logits` ([T·B, 1], time-major).
    private func criticForward(_ frames: Tensor) {
        let T = sequenceLength, B = batchSize
        let features = frameCritic.forward(frames, state: frameCriticState, training: true)
        lastFeatures = features
        var state = zeroState
        for t in 0..<T {
            let f = features.slice(batch: t * B..<(t + 1) * B)
            let x = concat.forward([f, state], state: concatStates[t])
            state = recurrentCritic.forward(x, state: recurrentStates[t], training: true)
            let l = criticHead.forward(state, state: headStates[t], training: true)
            logits.slice(batch: t * B..<(t + 1) * B).copy(from: l)
        }
    }

    /// Back-propagates `logitGradient` through time and the per-frame encoder. Returns the
    /// gradient with respect to the frames when `options.inputGradient`.
    @discardableResult
    private func criticBackward(options: BackwardOptions) -> Tensor? {
        let T = sequenceLength, B = batchSize
        let features = lastFeatures!
        let dFeatures = featureGradient.get([T * B, features.itemCount])
        stateGradient.fill(0)
        let inner = BackwardOptions(inputGradient: true, parameterGradients: options.parameterGradients)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let dl = logitGradient.slice(batch: t * B..<(t + 1) * B)
            let ds = criticHead.backward(dl, state: headStates[t], options: inner)!
            for i in 0..<stateGradient.count { stateGradient.pointer[i] += ds.pointer[i] }
            let dx = recurrentCritic.backward(stateGradient, state: recurrentStates[t], options: inner)!
            let parts = concat.backward(dx, state: concatStates[t])
            dFeatures.slice(batch: t * B..<(t + 1) * B).copy(from: parts[0])
            stateGradient.copy(from: parts[1])
        }
        return frameCritic.backward(dFeatures, state: frameCriticState, options: options)
    }
}

/// Sizes of the reference system (docs/design.md#the-reference-system); `.reference` is the seed's, smaller ones are
/// for tests.
public struct ReferenceGANConfiguration: Sendable {
    public var latentDim = 64
    public var generatorBase = 4
    public var generatorChannels = [256, 128, 64, 32]
    public var kernel = 4
    public var rnnHidden = [512, 512]
    public var criticChannels = [32, 64, 128, 256]
    public var criticFeatures = 128
    public var criticStateSize = 128
    public var criticHidden = [512, 512]
    public var headHidden = 512
    public var batchSize = 32
    public var sequenceLength = 20
    /// Adam (2e-4-style, β1 0.5) for both sides when true, else SGD with momentum 0.9.
    public var adam = true

    public init() {}
    public static let reference = ReferenceGANConfiguration()

    public var imageSize: Int { generatorBase << generatorChannels.count }
}

extension AdversarialTrainer {
    /// The reference architecture with freshly initialised weights.
    public convenience init(configuration c: ReferenceGANConfiguration, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        let g = SeedArchitecture.generator(latentDim: c.latentDim, base: c.generatorBase, channels: c.generatorChannels,
                                          kernel: c.kernel, rng: &rng)
        let r = SeedArchitecture.rnn(latentDim: c.latentDim, hidden: c.rnnHidden, rng: &rng)
        let fc = SeedArchitecture.frameCritic(imageSize: c.imageSize, channels: c.criticChannels, features: c.criticFeatures, rng: &rng)
        let rc = SeedArchitecture.recurrentCritic(features: c.criticFeatures, stateSize: c.criticStateSize, hidden: c.criticHidden, rng: &rng)
        let head = SeedArchitecture.criticHead(stateSize: c.criticStateSize, hidden: c.headHidden, rng: &rng)
        let gp = g.parameters + r.parameters, cp = fc.parameters + rc.parameters + head.parameters
        let gOpt: Optimizer = c.adam ? Adam(parameters: gp, beta1: 0.5) : SGD(parameters: gp, momentum: 0.9)
        let cOpt: Optimizer = c.adam ? Adam(parameters: cp, beta1: 0.5) : SGD(parameters: cp, momentum: 0.9)
        self.init(generator: g, rnn: r, frameCritic: fc, recurrentCritic: rc, criticHead: head,
                  generatorOptimizer: gOpt, criticOptimizer: cOpt, batchSize: c.batchSize,
                  sequenceLength: c.sequenceLength, latentDim: c.latentDim, criticStateSize: c.criticStateSize,
                  seed: rng.next())
    }
}
