import DuralavaData
import DuralavaNN
import DuralavaRuntime

/// Phase 1 of lamp training: learn frames. An encoder maps real frames to renormalized
/// latents, the generator decodes them (reconstruction, L1) and also decodes fresh N(0,1)
/// latents; a per-frame critic judges both against real frames (non-saturating GAN loss).
/// The reconstruction path gives the generator a fast, stable start on 2 CPU cores, the
/// critic makes frames sharp, and the encoder later turns footage into latent trajectories
/// for phase 2. An exponential moving average of the generator is what gets exported.
public final class FramePhase {
    public struct Settings: Equatable {
        public var batch = 16
        /// Encoder and generator (Adam, β1 0.5). Reconstruction-only, 300 steps reached an
        /// MSE of 0.0106 at 2e-4, 0.0026 at 5e-4, 0.0015 at 1e-3, 0.0014 at 2e-3.
        public var learningRate: Float = 1e-3
        public var criticLearningRate: Float = 2e-4
        // Reconstruction leads (squared error, weight 500): with the critic in charge (weight 1
        // against L1 10) the encoder ignored the blobs for thousands of steps and the frames
        // grew a critic-pleasing texture.
        public var reconstructionWeight: Float = 500
        public var adversarialWeight: Float = 0.1
        /// Steps at the start with the critic off (reconstruction only, and twice as fast):
        /// with L1 and the critic from step 1 the reconstructions stayed at the average lamp
        /// for 6,000 steps (inference error equal to the average frame's); squared error
        /// alone places the blobs within 1,000 steps. The critic (if its weight is not 0) then
        /// ramps in.
        public var reconstructionOnlySteps = 0
        /// Steps over which the adversarial weight then ramps up from 0.
        public var adversarialRampSteps = 500
        /// Gaussian noise (std, in units of the standardized code) added to the codes before
        /// renormalization: the generator learns to decode a neighbourhood of every frame's
        /// latent to that frame, so small errors of the latent loop do not smudge the frame.
        public var latentNoise: Float = 0
        /// Binomial blur radius in front of the critic (0: none). Unfiltered, the critic
        /// taught the generator pixel speckle within 2,000 steps; see `Blur`.
        public var criticBlurRadius = 0
        public var momentWeight: Float = 0.1
        public var priorWeight: Float = 0.1
        public var emaDecay: Float = 0.999
        public var realLabel: Float = 0.9
        /// Fresh N(0,1) latents decoded beside the reconstructions in every batch (the lamp
        /// starts from encoded frames, so these only matter for `--blend` and reseeds).
        public var priorSamples = 0
        /// Mean squared error (default) instead of L1 for the reconstruction: L1's optimum
        /// without blob information is the blob-free median lamp, and its constant-size
        /// gradients kept dithering smooth regions; squared error settles them.
        public var squaredReconstruction = true
        /// Weight of the gradient difference loss on the reconstructions (0: off, the default);
        /// see `GradientDifferenceLoss`.
        public var gradientDifferenceWeight: Float = 0
        /// Weight of the maximum mean discrepancy between the batch's codes and renormalized
        /// N(0, I) samples (0: off); see `LatentMMDPenalty`.
        public var latentMMDWeight: Float = 0
        /// Prior samples the codes are compared with in that term, per step.
        public var latentMMDSamples = 64
        /// The critic judges only the decoded prior samples, not the reconstructions, so that
        /// reconstructions stay under the squared error alone (the critic's texture grew into
        /// them otherwise, docs/training.md) while random points of the sphere learn to look real.
        public var adversarialPriorOnly = false
        /// Weight γ of the R1 gradient penalty on the critic (0: off); see `CriticGradientPenalty`.
        public var criticGradientPenalty: Float = 0
        /// BatchNorm in the critic (the original system's critic has it); off, each frame is
        /// judged on its own.
        public var criticBatchNorm = true
        /// Weight of the frame statistics loss on the reconstructions and the prior samples
        /// (0: off, the default); see `FrameStatisticsLoss`.
        public var frameStatisticsWeight: Float = 0
        /// Weight of the 8-bit neighbour-difference histograms against the footage's, on the
        /// reconstructions and the prior samples (0: off, the default); see `NeighbourDifferenceLoss`.
        public var neighbourDifferenceWeight: Float = 0
        public init() {}
    }

    public struct Losses {
        public var critic: Float = 0, adversarial: Float = 0, reconstruction: Float = 0
        public var moment: Float = 0, prior: Float = 0, gradientDifference: Float = 0, latentMMD: Float = 0
        public var frameStatistics: Float = 0
        public var neighbourDifference: Float = 0
        /// The critic's gradient penalty at its last evaluation (0 when off).
        public var criticPenalty: Float = 0
    }

    public let arch: LampArchitecture
    public var settings: Settings
    public let encoder: Sequential
    public let generator: Sequential
    public let emaGenerator: Sequential
    public let critic: Sequential
    public let generatorOptimizer: Adam
    public let criticOptimizer: Adam
    private let criticGradientPenalty: CriticGradientPenalty?
    /// Measured on the footage at the first step (deterministically, so a resumed run gets the same).
    private var neighbourDifferenceLoss: NeighbourDifferenceLoss?
    private let renormalize = Renormalize(name: "renormalize")

    private let encoderState: LayerState, renormState: LayerState, generatorState: LayerState
    private let criticRealState: LayerState, criticFakeState: LayerState, criticGeneratorState: LayerState
    private let real: Tensor, latents: Tensor, latentGradient: Tensor
    /// The last step's loss gradient on the decoded frames: the batch's reconstructions, then
    /// its prior samples (public for inspection).
    public let pixelGradient: Tensor
    private let realLogitGradient: Tensor, fakeLogitGradient: Tensor, momentGradient: Tensor, priorGradient: Tensor

    public init(arch: LampArchitecture, settings: Settings = Settings(), rng: inout RandomGenerator) {
        self.arch = arch
        self.settings = settings
        let b = settings.batch
        // The encoder ends in BatchNorm over the latent dimensions: lamp frames share most of
        // their pixels (the vessel), so raw codes are dominated by one common vector and the
        // per-sample renormalization alone collapses every frame onto it. Standardizing each
        // dimension over the batch keeps what differs between frames.
        encoder = Sequential(name: "encoder", [
            SeedArchitecture.frameCritic(imageHeight: arch.frameHeight, imageWidth: arch.frameWidth, channels: arch.encoderChannels, features: arch.latentDim, rng: &rng),
            BatchNorm(name: "standardize", channels: arch.latentDim),
        ])
        generator = SeedArchitecture.generator(latentDim: arch.latentDim, baseHeight: arch.generatorBaseHeight, baseWidth: arch.generatorBaseWidth,
                                              channels: arch.generatorChannels, rng: &rng)
        var emaRng = rng
        emaGenerator = Sequential(name: "ema", [
            SeedArchitecture.generator(latentDim: arch.latentDim, baseHeight: arch.generatorBaseHeight, baseWidth: arch.generatorBaseWidth,
                                      channels: arch.generatorChannels, rng: &emaRng),
        ])
        for (e, p) in zip(emaGenerator.parameters, generator.parameters) { e.value.copy(from: p.value) }
        critic = FramePhase.makeCritic(name: "critic", arch: arch, blurRadius: settings.criticBlurRadius,
                                       batchNorm: settings.criticBatchNorm, rng: &rng)
        criticGradientPenalty = settings.criticGradientPenalty > 0
            ? CriticGradientPenalty(weight: settings.criticGradientPenalty, critic: critic) : nil
        generatorOptimizer = Adam(parameters: encoder.trainableParameters + generator.trainableParameters, beta1: 0.5)
        criticOptimizer = Adam(parameters: critic.trainableParameters, beta1: 0.5)
        encoderState = encoder.makeState(); renormState = renormalize.makeState()
        generatorState = generator.makeState()
        criticRealState = critic.makeState(); criticFakeState = critic.makeState()
        criticGeneratorState = critic.makeState()
        real = Tensor(shape: [b, arch.frameHeight, arch.frameWidth, 3])
        let g = b + settings.priorSamples
        latents = Tensor(shape: [g, arch.latentDim])
        pixelGradient = Tensor(shape: [g, arch.frameHeight, arch.frameWidth, 3])
        latentGradient = Tensor(shape: [g, arch.latentDim])
        realLogitGradient = Tensor(shape: [b, 1])
        fakeLogitGradient = Tensor(shape: [settings.adversarialPriorOnly && settings.priorSamples > 0 ? settings.priorSamples : g, 1])
        momentGradient = Tensor(shape: [b, arch.latentDim])
        priorGradient = Tensor(shape: [b, arch.latentDim])
    }

    /// Every parameter, optimizer and their names, for checkpoints.
    public var parameters: [Parameter] {
        encoder.parameters + generator.parameters + emaGenerator.parameters + critic.parameters
    }
    public var optimizers: [String: Optimizer] { ["frame.generator": generatorOptimizer, "frame.critic": criticOptimizer] }

    /// A per-frame critic: an optional blur, the frame-critic conv stack, LeakyReLU and a
    /// linear head to one logit (phase 1's critic, and phase 2's pixel critic).
    public static func makeCritic(name: String, arch: LampArchitecture, blurRadius: Int, batchNorm: Bool = true,
                                  inputChannels: Int = 3, rng: inout RandomGenerator) -> Sequential {
        Sequential(name: name, (blurRadius > 0 ? [Blur(name: "blur", radius: blurRadius)] : []) + [
            SeedArchitecture.frameCritic(imageHeight: arch.frameHeight, imageWidth: arch.frameWidth, channels: arch.criticChannels,
                                         features: arch.criticFeatures, batchNorm: batchNorm, inputChannels: inputChannels, rng: &rng),
            LeakyReLU(name: "act", slope: 0.2),
            Dense(name: "head", inputSize: arch.criticFeatures, outputSize: 1, rng: &rng),
        ])
    }

    /// One training step on a batch of random footage frames.
    public func step(data: LampSequences, rng: inout RandomGenerator, learningRateScale: Float = 1) -> Losses {
        let b = settings.batch, d = arch.latentDim
        data.copyRandomFrames(count: b, rng: &rng, into: real.pointer)
        var losses = Losses()
        let adversarialWeight = currentAdversarialWeight

        // Encode real frames; the first `batch` of the generator batch reconstructs them, the
        // `priorSamples` after them decode fresh N(0,1) latents (renormalized, as the lamp's are).
        let encoded = encoder.forward(real, state: encoderState, training: true)
        if settings.latentNoise > 0 {
            // In place on the encoder's output (its last layer's backward reads only its input).
            let noise = Tensor(shape: encoded.shape)
            rng.fillGaussian(noise.buffer)
            for i in 0..<encoded.count { encoded.pointer[i] += settings.latentNoise * noise.pointer[i] }
        }
        let z = renormalize.forward(encoded, state: renormState, training: true)
        latents.slice(batch: 0..<b).copy(from: z)
        let p = settings.priorSamples
        if p > 0 {
            let prior = latents.slice(batch: b..<(b + p))
            rng.fillGaussian(prior.buffer)
            for i in 0..<p { DuralavaRuntime.renormalize(prior.pointer + i * d, count: d) }
        }
        let fake = generator.forward(latents, state: generatorState, training: true)
        // What the critic judges: every decoded frame, or only the prior samples.
        let judged = settings.adversarialPriorOnly && p > 0 ? fake.slice(batch: b..<(b + p)) : fake

        if adversarialWeight > 0 {
            // Critic step: real frames → realLabel, generated frames → 0.
            losses.critic = updateCritic(critic, optimizer: criticOptimizer,
                                         learningRate: settings.criticLearningRate * learningRateScale,
                                         real: real, fake: judged, realLabel: settings.realLabel,
                                         realState: criticRealState, fakeState: criticFakeState,
                                         realGradient: realLogitGradient, fakeGradient: fakeLogitGradient,
                                         gradientPenalty: criticGradientPenalty)
            losses.criticPenalty = criticGradientPenalty?.lastValue ?? 0
        }

        // Generator and encoder step: fool the critic, reconstruct, keep latents N(0,1)-like.
        zeroGradients(generatorOptimizer.parameters)
        if adversarialWeight > 0 {
            let logits = critic.forward(judged, state: criticGeneratorState, training: true)
            losses.adversarial = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 1, gradient: fakeLogitGradient,
                                                                   scale: adversarialWeight)
            let gradFromCritic = critic.backward(fakeLogitGradient, state: criticGeneratorState, options: .inputOnly)!
            if judged.isSameView(as: fake) {
                pixelGradient.copy(from: gradFromCritic)
            } else {
                pixelGradient.fill(0)
                pixelGradient.slice(batch: b..<(b + p)).copy(from: gradFromCritic)
            }
        } else {
            pixelGradient.fill(0)
        }
        let reconstructionGradient = Tensor(shape: [b, arch.frameHeight, arch.frameWidth, 3], storage: pixelGradient.storage)
        let recon = fake.slice(batch: 0..<b)
        let scratch = Tensor(shape: recon.shape)
        losses.reconstruction = settings.squaredReconstruction
            ? Loss.meanSquaredError(prediction: recon, target: real, gradient: scratch, scale: settings.reconstructionWeight)
            : meanAbsoluteError(prediction: recon, target: real, gradient: scratch, scale: settings.reconstructionWeight)
        add(scratch, into: reconstructionGradient)
        if settings.gradientDifferenceWeight > 0 {
            losses.gradientDifference = GradientDifferenceLoss.evaluate(prediction: recon, target: real, gradient: reconstructionGradient,
                                                                        scale: settings.gradientDifferenceWeight)
        }
        if settings.frameStatisticsWeight > 0 {
            // Reconstructions and prior samples each against the batch's real frames, as sets.
            losses.frameStatistics = FrameStatisticsLoss.evaluate(prediction: recon, target: real, gradient: reconstructionGradient,
                                                                  scale: settings.frameStatisticsWeight)
            if p > 0 {
                losses.frameStatistics += FrameStatisticsLoss.evaluate(prediction: fake.slice(batch: b..<(b + p)), target: real,
                                                                       gradient: pixelGradient.slice(batch: b..<(b + p)),
                                                                       scale: settings.frameStatisticsWeight)
            }
        }
        if settings.neighbourDifferenceWeight > 0 {
            if neighbourDifferenceLoss == nil { neighbourDifferenceLoss = NeighbourDifferenceLoss(footage: data) }
            let loss = neighbourDifferenceLoss!
            losses.neighbourDifference = loss.evaluate(prediction: recon, gradient: reconstructionGradient, scale: settings.neighbourDifferenceWeight)
            if p > 0 {
                losses.neighbourDifference += loss.evaluate(prediction: fake.slice(batch: b..<(b + p)), gradient: pixelGradient.slice(batch: b..<(b + p)),
                                                            scale: settings.neighbourDifferenceWeight)
            }
        }
        let gz = generator.backward(pixelGradient, state: generatorState, options: .all)!
        // Only the reconstructed half reaches the encoder.
        let gzReal = gz.slice(batch: 0..<b)
        losses.moment = MomentPenalty.evaluate(latents: z, gradient: momentGradient, scale: settings.momentWeight)
        losses.prior = LatentPriorPenalty.evaluate(latents: z, gradient: priorGradient, scale: settings.priorWeight)
        latentGradient.slice(batch: 0..<b).copy(from: gzReal)
        let gzr = latentGradient.slice(batch: 0..<b)
        add(momentGradient, into: gzr)
        add(priorGradient, into: gzr)
        if settings.latentMMDWeight > 0 {
            let prior = Tensor(shape: [settings.latentMMDSamples, d])
            rng.fillGaussian(prior.buffer)
            for i in 0..<settings.latentMMDSamples { DuralavaRuntime.renormalize(prior.pointer + i * d, count: d) }
            let g = Tensor(shape: [b, d])
            losses.latentMMD = LatentMMDPenalty.evaluate(latents: z, prior: prior, gradient: g, scale: settings.latentMMDWeight)
            add(g, into: gzr)
        }
        let ge = renormalize.backward(gzr, state: renormState, options: .all)!
        encoder.backward(ge, state: encoderState, options: .parametersOnly)
        generatorOptimizer.step(learningRate: settings.learningRate * learningRateScale)
        updateEMA()
        return losses
    }

    private func add(_ source: Tensor, into target: Tensor) {
        let s = source.pointer, t = target.pointer
        for i in 0..<target.count { t[i] += s[i] }
    }

    /// Steps taken, for the moving average's warm-up and the adversarial schedule.
    public var stepsTaken = 0

    /// The adversarial weight at this step: 0 during the reconstruction-only start, then a
    /// linear ramp to `settings.adversarialWeight`.
    public var currentAdversarialWeight: Float {
        let into = stepsTaken - settings.reconstructionOnlySteps
        guard into >= 0 else { return 0 }
        return settings.adversarialWeight * min(1, Float(into + 1) / Float(max(1, settings.adversarialRampSteps)))
    }

    /// Recomputes the inference statistics of the encoder and of the exported generator
    /// from `frames` (see `recalibrateBatchNorm`): call before encoding or exporting.
    public func recalibrate(frames: Tensor) {
        recalibrateBatchNorm(encoder, input: frames)
        recalibrateBatchNorm(exportedGenerator, input: encode(frames))
    }

    private func updateEMA() {
        stepsTaken += 1
        // Warm-up: early on, follow the generator closely (the average of random weights is useless).
        let a = min(settings.emaDecay, Float(1 + stepsTaken) / Float(10 + stepsTaken)), b = 1 - a
        for (e, p) in zip(emaGenerator.parameters, generator.parameters) {
            let ev = e.value.pointer, pv = p.value.pointer
            for i in 0..<e.value.count { ev[i] = a * ev[i] + b * pv[i] }
        }
    }

    /// The exported generator: the moving average, unwrapped.
    public var exportedGenerator: Layer { emaGenerator.layers[0] }

    /// Latents → frames (exported generator, inference mode) → latents again: where the frame
    /// model puts a latent on the manifold of encoded frames.
    public func project(_ latents: Tensor) -> Tensor {
        let g = exportedGenerator
        return encode(g.forward(latents, state: g.makeState(), training: false))
    }

    /// Encodes frames with the encoder in inference mode: [N, H, W, 3] → renormalized [N, latent].
    public func encode(_ frames: Tensor) -> Tensor {
        let e = encoder.forward(frames, state: encoder.makeState(), training: false)
        let z = e.clone()
        for i in 0..<z.batch { DuralavaRuntime.renormalize(z.pointer + i * arch.latentDim, count: arch.latentDim) }
        return z
    }
}
