import DuralavaData
import DuralavaNN
import DuralavaRuntime

/// Phase 2 of lamp training: learn time in latent space. The footage, encoded by phase 1's
/// encoder, becomes latent trajectories; a stochastic residual RNN,
///     z ← renormalize(z + f([z, noise])),
/// is unrolled for `horizon` steps and a transition critic judges its (z_t, z_t+1) pairs
/// against the data's. The critic's gradient flows back through the whole unroll; the
/// normality penalty acts on every raw output; the latent at the end of a batch is carried
/// into the next one (restarting with probability `resetProbability`) so the RNN learns to
/// sustain itself far beyond the horizon. All of it is 64 numbers wide: thousands of
/// unrolled steps per second on a CPU.
public final class DynamicsPhase {
    public struct Settings: Equatable {
        public var batch = 64
        public var horizon = 16
        public var learningRate: Float = 1e-4
        public var criticLearningRate: Float = 1e-4
        public var momentWeight: Float = 0.1
        /// Weight of the one-step teacher-forced prediction error (keeps rollouts on the data).
        /// Kept small: its optimum is the conditional mean, which shrinks the motion.
        public var predictionWeight: Float = 0.1
        /// The critic sees [z_t, motionScale·(z_t+1 − z_t)]: per-step changes are small next to
        /// the unit-std latent, and scaled up they are what the critic judges first.
        public var motionScale: Float = 10
        public var resetProbability: Float = 0.5
        /// Weight of the pull of rollout latents towards their projection onto the frame
        /// model's manifold, encode(generate(z)) (held fixed: no gradient through the frame
        /// model), beyond `manifoldTolerance`. Without it rollouts drifted within ~10 steps to
        /// latents that decode as a scatter of small blobs, which the transition critic did not notice (loss ≈ log 4);
        /// at 100 they stay lamp-like (distance 0.26 against 0.5 unpulled, 0.09 for data).
        public var manifoldWeight: Float = 100
        /// Weight of (std − 1)² of each raw output (before renormalization), beside the full
        /// normality penalty, whose skew and kurtosis terms are noisy at 64 values and drowned
        /// the scale: raw std stayed at 1.06 with the normality weight at 0.1 and at 1.
        public var rawStdWeight: Float = 0
        /// Rollout latents projected per step (at one random unroll step): each costs one
        /// generator and one encoder forward pass.
        public var manifoldSamples = 16
        /// Denoising dynamics (an experiment, docs/training.md): weight of a rollout loss from *perturbed* footage
        /// latents — z_u + σ·ε with σ uniform in [0, denoisingNoise] per sample, renormalized
        /// as the loop would — unrolled `denoisingHorizon` steps against the data's latents
        /// z_u+1 … z_u+k (mean squared error, averaged over the steps). The RNN learns to steer
        /// back onto the footage's trajectories from where its own rollouts drift, not only to
        /// move. 0: off.
        public var denoisingWeight: Float = 0
        /// Largest perturbation std (the latent is unit-std; rollouts drift about 0.28 RMS off
        /// the manifold against the data's 0.087).
        public var denoisingNoise: Float = 0.3
        /// Steps unrolled from each perturbed latent (1: a one-step denoising target).
        public var denoisingHorizon = 4
        /// Pixel critic (an experiment, docs/training.md; `PixelCritic`): weight of the non-saturating loss of a
        /// per-frame critic on `pixelCriticSamples` rollout latents (at one random unroll step)
        /// decoded through the frozen generator, against real footage frames; back-propagated
        /// through the generator into the unroll. 0: off (no critic is built).
        public var pixelCriticWeight: Float = 0
        public var pixelCriticSamples = 16
        /// Binomial blur radius in front of the pixel critic (0: none; see `Blur`).
        public var pixelCriticBlurRadius = 0
        /// The pixel critic's real frames: footage latents decoded by the same frozen generator
        /// (reconstructions) instead of the footage's frames, so it judges only what the RNN's
        /// latents change, not the generator's own difference from the footage (which the RNN
        /// cannot remove).
        public var pixelCriticAgainstDecodedFootage = false
        /// The pixel critic judges pairs of frames this many steps apart (rollout against
        /// footage) instead of single frames (0, the default); see `PixelCritic`. Below the horizon.
        public var pixelCriticLag = 0
        /// Free-run starts (`FreeRunPool`): the share of each batch's starting latents taken
        /// from latents the RNN reached after `freeRunSteps` to 10·`freeRunSteps` steps of its
        /// own, so the critics and the unroll's gradient see where the running lamp goes. 0: off.
        public var freeRunShare: Float = 0
        public var freeRunSteps = 1000
        /// Lag-1 correlation of the RNN's noise from step to step in the unroll and the free
        /// runs (0: fresh noise every step); exported as the model's `rnn.noise_correlation`,
        /// which the runtime's loop then follows (`CorrelatedNoise`).
        public var noiseCorrelation: Float = 0
        public var realLabel: Float = 0.9
        public init() {}
    }

    public struct Losses {
        public var critic: Float = 0, adversarial: Float = 0, moment: Float = 0, prediction: Float = 0
        /// RMS latent change per step of the rollouts and of the data.
        public var rolloutChange: Float = 0, dataChange: Float = 0
        /// RMS distance of projected rollout latents from their projection (0 when the pull's
        /// weight is 0).
        public var manifoldDistance: Float = 0
        /// The denoising rollout loss (weighted; 0 when off).
        public var denoising: Float = 0
        /// The pixel critic's own loss and its weighted generator-side loss (0 when off).
        public var pixelCritic: Float = 0, pixelAdversarial: Float = 0
    }

    public let arch: LampArchitecture
    public var settings: Settings
    public let rnn: Sequential
    public let critic: Sequential
    public let rnnOptimizer: Adam
    public let criticOptimizer: Adam
    /// Encoded footage: trajectories[s] holds length × latent values.
    public private(set) var trajectories: [[Float]] = []
    public private(set) var trajectoryLength = 0
    // What phase 2 takes from the frozen frame model, all wired by `encodeFootage(_:with:)`
    // from the FramePhase it is given (one place, not closures attached after construction);
    // tests replace them to isolate a term. A term whose weight is on and whose input is
    // missing stops with a precondition failure instead of being skipped.

    /// encode(generate(z)) for a batch of latents [n, latent] → [n, latent]; the manifold pull's.
    public var projection: ((Tensor) -> Tensor)?
    /// Per-latent RMS distance from the projection below which the pull does nothing (the
    /// trainer sets it to the 90th percentile of real frames' latents).
    public var manifoldTolerance: Float = 0
    /// The pixel critic (nil unless `pixelCriticWeight` > 0 at construction).
    public let pixelCritic: PixelCritic?
    /// Free-running latents (nil unless `freeRunShare` > 0 at construction).
    let freeRunPool: FreeRunPool?
    /// The layer states of the pool's inference steps, made once.
    private lazy var freeRunStates = (rnn: rnn.makeState(), concat: concat.makeState())
    /// The frozen generator rollouts are decoded with for the pixel critic: the exported
    /// generator, run in inference mode, never updated here.
    public var decoder: Layer?
    /// Draws `count` real footage frames [count, s, s, 3] for the pixel critic.
    public var realFrames: ((Int, inout RandomGenerator) -> Tensor)?
    /// `count` pairs of footage frames `lag` steps apart: the first frames, then the second ones.
    public var realFramePairs: ((Int, Int, inout RandomGenerator) -> Tensor)?

    private let renorm = Renormalize(name: "renormalize")
    private let concat = Concat()
    private var stepStates: [ResidualStepState] = []
    /// The latent carried from the end of one batch into the next, and whether it is set;
    /// saved with the checkpoint so a resumed run continues exactly.
    private let carriedParameter: Parameter
    private let carriedValidParameter: Parameter
    private var carried: Tensor { carriedParameter.value }
    private var carriedValid: Bool {
        get { carriedValidParameter.value.pointer[0] != 0 }
        set { carriedValidParameter.value.pointer[0] = newValue ? 1 : 0 }
    }

    public init(arch: LampArchitecture, settings: Settings = Settings(), rng: inout RandomGenerator) {
        self.arch = arch
        self.settings = settings
        rnn = SeedArchitecture.rnn(latentDim: arch.latentDim, noiseDim: arch.rnnNoiseDim, hidden: arch.rnnHidden, rng: &rng)
        // A small last layer: the residual RNN starts close to "stay where you are".
        if let last = rnn.layers.last as? Dense {
            let w = last.weight.value.pointer
            for i in 0..<last.weight.value.count { w[i] *= 0.1 }
        }
        // The transition critic: [z_t, motionScale·(z_t+1 − z_t)] → one logit, the RNN's dense stack.
        critic = Sequential(name: "transition_critic",
                            SeedArchitecture.denseStack(inputs: 2 * arch.latentDim, hidden: arch.transitionCriticHidden, outputs: 1,
                                                        leakySlope: 0.2, rng: &rng))
        rnnOptimizer = Adam(parameters: rnn.trainableParameters, beta1: 0.5)
        criticOptimizer = Adam(parameters: critic.trainableParameters, beta1: 0.5)
        if settings.pixelCriticWeight > 0 {
            // Its own stream, so the RNN and the transition critic start from the same weights
            // with or without it.
            var criticRng = RandomGenerator(seed: rng.stateWords[0] ^ 0x9E3779B97F4A7C15)
            pixelCritic = PixelCritic(arch: arch, blurRadius: settings.pixelCriticBlurRadius, pairs: settings.pixelCriticLag > 0,
                                      rng: &criticRng)
        } else {
            pixelCritic = nil
        }
        freeRunPool = settings.freeRunShare > 0
            ? FreeRunPool(count: settings.batch, latentDim: arch.latentDim, minimumAge: settings.freeRunSteps) : nil
        carriedParameter = Parameter(name: "dynamics.carried", shape: [settings.batch, arch.latentDim], isTrainable: false)
        carriedValidParameter = Parameter(name: "dynamics.carried_valid", shape: [1], isTrainable: false)
        for _ in 0..<settings.horizon { stepStates.append(makeStepState()) }
    }

    public var parameters: [Parameter] {
        rnn.parameters + critic.parameters + [carriedParameter, carriedValidParameter] + (pixelCritic?.parameters ?? [])
            + (freeRunPool.map { [$0.latentsParameter, $0.agesParameter] } ?? [])
    }
    public var optimizers: [String: Optimizer] {
        var o: [String: Optimizer] = ["dynamics.rnn": rnnOptimizer, "dynamics.critic": criticOptimizer]
        if let pixelCritic { o[PixelCritic.optimizerName] = pixelCritic.optimizer }
        return o
    }

    /// Encodes every frame of the footage (phase 1's encoder, inference mode) and wires in what
    /// the loss terms take from the frozen frame model: the projection, the decoder and the
    /// footage's frames.
    public func encodeFootage(_ data: LampSequences, with frames: FramePhase, chunk: Int = 64) {
        projection = { [frames] in frames.project($0) }
        decoder = frames.exportedGenerator
        realFrames = { [data] count, rng in
            let batch = Tensor(shape: [count, data.height, data.width, 3])
            data.copyRandomFrames(count: count, rng: &rng, into: batch.pointer)
            return batch
        }
        realFramePairs = { [data] count, lag, rng in
            // m first frames, then the m frames `lag` steps after each.
            let batch = Tensor(shape: [2 * count, data.height, data.width, 3]), n = data.frameValueCount
            for j in 0..<count {
                let s = rng.int(below: data.sequences.count), u = rng.int(below: max(1, data.length - lag))
                data.copyFrame(sequence: s, step: u, into: batch.pointer + j * n)
                data.copyFrame(sequence: s, step: min(u + lag, data.length - 1), into: batch.pointer + (count + j) * n)
            }
            return batch
        }
        let n = data.frameValueCount, d = arch.latentDim
        trajectories = []
        trajectoryLength = data.length
        for seq in 0..<data.sequences.count {
            var out = [Float](repeating: 0, count: data.length * d)
            var t0 = 0
            while t0 < data.length {
                let m = min(chunk, data.length - t0)
                let batch = Tensor(shape: [m, arch.frameHeight, arch.frameWidth, 3])
                for i in 0..<m { data.copyFrame(sequence: seq, step: t0 + i, into: batch.pointer + i * n) }
                let z = frames.encode(batch)
                for i in 0..<(m * d) { out[t0 * d + i] = z.pointer[i] }
                t0 += m
            }
            trajectories.append(out)
        }
    }

    private func copyData(sequence s: Int, step t: Int, into p: UnsafeMutablePointer<Float>) {
        let d = arch.latentDim
        trajectories[s].withUnsafeBufferPointer { (p).update(from: $0.baseAddress! + t * d, count: d) }
    }

    /// The layer states of one residual RNN step (`residualStep`).
    struct ResidualStepState {
        let concat: ConcatState, rnn: LayerState, renorm: LayerState
    }

    private func makeStepState() -> ResidualStepState {
        ResidualStepState(concat: concat.makeState(), rnn: rnn.makeState(), renorm: renorm.makeState())
    }

    /// One step of the residual RNN, z ← renormalize(z + f([z, noise])), written once for the
    /// unroll, the one-step prediction and the denoising rollout: the raw output z + f(...)
    /// (the normality penalty's input) and the renormalized next latent.
    private func residualStep(_ z: Tensor, noise: Tensor, state st: ResidualStepState) -> (raw: Tensor, next: Tensor) {
        let x = concat.forward([z, noise], state: st.concat)
        let delta = rnn.forward(x, state: st.rnn, training: true)
        let raw = Tensor(shape: z.shape)
        for i in 0..<z.count { raw.pointer[i] = z.pointer[i] + delta.pointer[i] }
        return (raw, renorm.forward(raw, state: st.renorm, training: true).clone())
    }

    /// Back through f and the residual sum of `residualStep`, from the gradient at the raw
    /// output: the gradient at z, which feeds both the network and the sum. Accumulates f's
    /// parameter gradients.
    private func residualStepBackward(rawGradient gRaw: Tensor, state st: ResidualStepState) -> Tensor {
        let gx = rnn.backward(gRaw, state: st.rnn, options: .all)!
        let parts = concat.backward(gx, state: st.concat)
        let gz = Tensor(shape: gRaw.shape)
        for i in 0..<gRaw.count { gz.pointer[i] = parts[0].pointer[i] + gRaw.pointer[i] }
        return gz
    }

    /// One unrolled training step, in the order its parts consume the random stream: starting
    /// latents, the unroll, the critic's pairs and update, then the RNN's gradient from the critic,
    /// the manifold pull and the pixel critic at the rollout's latents, back through time, and the
    /// one-step prediction and denoising terms on footage latents.
    public func step(rng: inout RandomGenerator, learningRateScale: Float = 1) -> Losses {
        precondition(!trajectories.isEmpty, "encodeFootage first")
        var losses = Losses()
        let rollout = unroll(from: startingLatents(rng: &rng), rng: &rng)
        let pairs = transitionPairs(rollout, rng: &rng, losses: &losses)
        losses.critic = updateCritic(critic, optimizer: criticOptimizer,
                                     learningRate: settings.criticLearningRate * learningRateScale,
                                     real: pairs.real, fake: pairs.fake, realLabel: settings.realLabel,
                                     realState: critic.makeState(), fakeState: critic.makeState(),
                                     realGradient: Tensor(shape: [pairs.fake.batch, 1]), fakeGradient: Tensor(shape: [pairs.fake.batch, 1]))
        zeroGradients(rnn.trainableParameters)
        let dz = criticGradient(pairs, losses: &losses)
        if settings.manifoldWeight > 0 && settings.manifoldSamples > 0 {
            losses.manifoldDistance = addManifoldPull(rollout, into: dz, rng: &rng)
        }
        if settings.pixelCriticWeight > 0 && settings.pixelCriticSamples > 0 {
            addPixelCritic(rollout, into: dz, rng: &rng, learningRateScale: learningRateScale, losses: &losses)
        }
        losses.moment = backpropagateThroughTime(rollout, latentGradients: dz)
        if settings.predictionWeight > 0 { losses.prediction = predictionStep(rng: &rng) }
        if settings.denoisingWeight > 0 { losses.denoising = denoisingStep(rng: &rng) }
        _ = clipGradientNorm(rnn.trainableParameters, maxNorm: 10)
        rnnOptimizer.step(learningRate: settings.learningRate * learningRateScale)
        return losses
    }

    /// The latents of one unroll: z_0 … z_horizon (renormalized) and the raw outputs before each
    /// renormalization (the normality penalty's input).
    struct Rollout {
        var latents: [Tensor]
        var raw: [Tensor]
    }

    /// The critic's pairs: generated (z_t, motionScale·(z_t+1 − z_t)) for every unroll step, and
    /// as many real ones from the footage.
    struct TransitionPairs {
        let fake: Tensor, real: Tensor
    }

    /// Starting latents: carried from the last batch, or restarted on a data latent; with
    /// free-run starts on, a share of them drawn from the free-running pool instead.
    private func startingLatents(rng: inout RandomGenerator) -> Tensor {
        let b = settings.batch, d = arch.latentDim
        let start = Tensor(shape: [b, d])
        if let pool = freeRunPool {
            let state = freeRunStates.rnn, concatState = freeRunStates.concat
            pool.advance(step: { [rnn, concat] z, noise in
                rnn.forward(concat.forward([z, noise], state: concatState), state: state, training: false)
            }, noiseDim: arch.rnnNoiseDim, noiseCorrelation: settings.noiseCorrelation, rng: &rng) { rng, p in
                self.copyData(sequence: rng.int(below: self.trajectories.count), step: rng.int(below: self.trajectoryLength), into: p)
            }
        }
        for i in 0..<b {
            if let pool = freeRunPool, rng.uniformFloat() < settings.freeRunShare {
                pool.draw(into: start.pointer + i * d, rng: &rng)
            } else if carriedValid && rng.uniformFloat() >= settings.resetProbability {
                (start.pointer + i * d).update(from: carried.pointer + i * d, count: d)
            } else {
                copyData(sequence: rng.int(below: trajectories.count), step: rng.int(below: trajectoryLength),
                         into: start.pointer + i * d)
            }
        }
        return start
    }

    /// `horizon` residual steps with fresh noise (or, with a noise correlation, noise that
    /// follows the runtime's AR(1) process from a fresh start); the last latent is carried into the next batch.
    private func unroll(from start: Tensor, rng: inout RandomGenerator) -> Rollout {
        let h = settings.horizon
        var rollout = Rollout(latents: [start], raw: [])
        let noise = (0..<h).map { _ in Tensor(shape: [settings.batch, arch.rnnNoiseDim]) }
        for t in 0..<h {
            rng.fillGaussian(noise[t].buffer)
            if t > 0 && settings.noiseCorrelation > 0 {
                // The fresh draw is the innovation; the blend is written over it.
                CorrelatedNoise.step(into: noise[t].pointer, previous: noise[t - 1].pointer, innovation: noise[t].pointer,
                                     count: noise[t].count, correlation: settings.noiseCorrelation)
            }
            let (raw, next) = residualStep(rollout.latents[t], noise: noise[t], state: stepStates[t])
            rollout.raw.append(raw)
            rollout.latents.append(next)
        }
        carried.copy(from: rollout.latents[h])
        carriedValid = true
        return rollout
    }

    /// The generated and real pairs; records the RMS latent change per step of both.
    private func transitionPairs(_ rollout: Rollout, rng: inout RandomGenerator, losses: inout Losses) -> TransitionPairs {
        let b = settings.batch, d = arch.latentDim, h = settings.horizon, ms = settings.motionScale
        let zs = rollout.latents
        let fakePairs = Tensor(shape: [b * h, 2 * d])
        let realPairs = Tensor(shape: [b * h, 2 * d])
        var fakeChange = 0.0, realChange = 0.0
        for t in 0..<h {
            for i in 0..<b {
                let row = fakePairs.pointer + (t * b + i) * 2 * d
                row.update(from: zs[t].pointer + i * d, count: d)
                let next = zs[t + 1].pointer + i * d
                for k in 0..<d { row[d + k] = ms * (next[k] - row[k]) }
                let s = rng.int(below: trajectories.count), u = rng.int(below: trajectoryLength - 1)
                let real = realPairs.pointer + (t * b + i) * 2 * d
                copyData(sequence: s, step: u, into: real)
                copyData(sequence: s, step: u + 1, into: real + d)
                for k in 0..<d { real[d + k] = ms * (real[d + k] - real[k]) }
                for k in 0..<d {
                    let f = Double(row[d + k] / ms), r = Double(real[d + k] / ms)
                    fakeChange += f * f; realChange += r * r
                }
            }
        }
        losses.rolloutChange = Float((fakeChange / Double(b * h * d)).squareRoot())
        losses.dataChange = Float((realChange / Double(b * h * d)).squareRoot())
        return TransitionPairs(fake: fakePairs, real: realPairs)
    }

    /// The RNN's adversarial loss (fool the critic) and its gradient at every latent of the
    /// unroll: dz[t] collects what arrives at z_t as the first and the second element of pairs.
    private func criticGradient(_ pairs: TransitionPairs, losses: inout Losses) -> [Tensor] {
        let b = settings.batch, d = arch.latentDim, h = settings.horizon, ms = settings.motionScale
        let state = critic.makeState()
        let gFake = Tensor(shape: [b * h, 1])
        let logits = critic.forward(pairs.fake, state: state, training: true)
        losses.adversarial = Loss.binaryCrossEntropyWithLogits(logits: logits, target: 1, gradient: gFake)
        let gPairs = critic.backward(gFake, state: state, options: .inputOnly)!
        let dz = (0...h).map { _ in Tensor(shape: [b, d]) }
        for t in 0..<h {
            for i in 0..<b {
                let row = gPairs.pointer + (t * b + i) * 2 * d
                let a = dz[t].pointer + i * d, c = dz[t + 1].pointer + i * d
                for k in 0..<d { a[k] += row[k] - ms * row[d + k]; c[k] += ms * row[d + k] }
            }
        }
        return dz
    }

    /// Some rollout latents at one unroll step, picked at random: the step and the rows.
    private func pickLatents(_ rollout: Rollout, count: Int, rng: inout RandomGenerator) -> (step: Int, rows: [Int], latents: Tensor) {
        let b = settings.batch, d = arch.latentDim
        let m = min(count, b), t = 1 + rng.int(below: settings.horizon)
        let rows = (0..<m).map { _ in rng.int(below: b) }
        let picked = Tensor(shape: [m, d])
        for (j, i) in rows.enumerated() { (picked.pointer + j * d).update(from: rollout.latents[t].pointer + i * d, count: d) }
        return (t, rows, picked)
    }

    /// The manifold pull on some rollout latents at one unroll step: the gradient of
    /// w·mean((z − sg(project(z)))²) added where the critic's arrives. Returns the RMS distance.
    private func addManifoldPull(_ rollout: Rollout, into dz: [Tensor], rng: inout RandomGenerator) -> Float {
        guard let projection else { preconditionFailure("manifold pull on (weight > 0) without the frame model: encodeFootage wires it") }
        let d = arch.latentDim
        let (t, rows, picked) = pickLatents(rollout, count: settings.manifoldSamples, rng: &rng)
        let m = rows.count
        let projected = projection(picked)
        var sum = 0.0
        for (j, i) in rows.enumerated() {
            let z = picked.pointer + j * d, p = projected.pointer + j * d, g = dz[t].pointer + i * d
            var squares: Float = 0
            for k in 0..<d { let e = z[k] - p[k]; squares += e * e }
            sum += Double(squares)
            // Hinge on the per-latent RMS distance r: w·max(0, r − tolerance)², so latents
            // as close as real frames' are left alone (E∘G is not exactly the identity).
            let r = (squares / Float(d)).squareRoot()
            guard r > manifoldTolerance else { continue }
            let scale = 2 * settings.manifoldWeight * (r - manifoldTolerance) / (r * Float(d * m))
            for k in 0..<d { g[k] += scale * (z[k] - p[k]) }
        }
        return Float((sum / Double(m * d)).squareRoot())
    }

    /// The pixel critic on some rollout latents at one unroll step t, decoded by the frozen
    /// generator (with a lag L, on the same rows at t and t + L, as pairs): its own update, then
    /// its generator-side gradient added where the critic's arrives.
    private func addPixelCritic(_ rollout: Rollout, into dz: [Tensor], rng: inout RandomGenerator, learningRateScale: Float,
                                losses: inout Losses) {
        guard let pixelCritic, let decoder, let realFrames, let realFramePairs else {
            preconditionFailure("pixel critic on (weight > 0) without the frame model: encodeFootage wires it")
        }
        let b = settings.batch, d = arch.latentDim, lag = settings.pixelCriticLag, h = settings.horizon
        precondition(lag < h, "pixel critic lag \(lag) must be below the horizon \(h)")
        let m = min(settings.pixelCriticSamples, b)
        // The steps judged: t alone, or t and t + lag; the latents picked, m per step.
        let t = 1 + rng.int(below: h - lag)
        let steps = lag > 0 ? [t, t + lag] : [t]
        let rows = (0..<m).map { _ in rng.int(below: b) }
        let picked = Tensor(shape: [steps.count * m, d])
        for (k, step) in steps.enumerated() {
            for (j, i) in rows.enumerated() { (picked.pointer + (k * m + j) * d).update(from: rollout.latents[step].pointer + i * d, count: d) }
        }
        let decoded = PixelCritic.decode(picked, with: decoder)
        let real: Tensor
        if settings.pixelCriticAgainstDecodedFootage {
            let footage = Tensor(shape: [steps.count * m, d])
            for j in 0..<m {
                let s = rng.int(below: trajectories.count), u = rng.int(below: max(1, trajectoryLength - lag))
                for k in 0..<steps.count {
                    copyData(sequence: s, step: min(u + k * lag, trajectoryLength - 1), into: footage.pointer + (k * m + j) * d)
                }
            }
            real = PixelCritic.decode(footage, with: decoder).frames
        } else {
            real = lag > 0 ? realFramePairs(m, lag, &rng) : realFrames(m, &rng)
        }
        let judged = { (frames: Tensor) in lag > 0 ? PixelCritic.pairs(frames) : frames }
        losses.pixelCritic = pixelCritic.update(real: judged(real), fake: judged(decoded.frames),
                                                learningRate: settings.criticLearningRate * learningRateScale,
                                                realLabel: settings.realLabel)
        let g = lag > 0
            ? pixelCritic.generatorSide(pairsOf: decoded.frames, decodeState: decoded.state, generator: decoder, weight: settings.pixelCriticWeight)
            : pixelCritic.generatorSide(frames: decoded.frames, decodeState: decoded.state, generator: decoder, weight: settings.pixelCriticWeight)
        losses.pixelAdversarial = g.loss
        for (k, step) in steps.enumerated() {
            for (j, i) in rows.enumerated() {
                let src = g.latentGradient.pointer + (k * m + j) * d, dst = dz[step].pointer + i * d
                for c in 0..<d { dst[c] += src[c] }
            }
        }
    }

    /// Backpropagation through time from the latents' gradients, with the normality penalty
    /// (and the raw-std one) on every raw output; accumulates the RNN's gradients and returns the
    /// penalties' sum.
    private func backpropagateThroughTime(_ rollout: Rollout, latentGradients dz: [Tensor]) -> Float {
        let b = settings.batch, d = arch.latentDim, h = settings.horizon
        var moment: Float = 0
        let momentGrad = Tensor(shape: [b, d])
        for t in stride(from: h - 1, through: 0, by: -1) {
            let st = stepStates[t]
            let gRaw = renorm.backward(dz[t + 1], state: st.renorm, options: .all)!
            moment += MomentPenalty.evaluate(latents: rollout.raw[t], gradient: momentGrad,
                                             scale: settings.momentWeight / Float(h))
            for i in 0..<(b * d) { gRaw.pointer[i] += momentGrad.pointer[i] }
            if settings.rawStdWeight > 0 {
                moment += ScalePenalty.evaluate(latents: rollout.raw[t], gradient: momentGrad,
                                                scale: settings.rawStdWeight / Float(h))
                for i in 0..<(b * d) { gRaw.pointer[i] += momentGrad.pointer[i] }
            }
            let gz = residualStepBackward(rawGradient: gRaw, state: st)
            for i in 0..<(b * d) { dz[t].pointer[i] += gz.pointer[i] }
        }
        return moment
    }

    /// Teacher-forced one-step prediction on real pairs, with fresh noise: accumulates the RNN's
    /// gradients and returns the weighted loss.
    private func predictionStep(rng: inout RandomGenerator) -> Float {
        let b = settings.batch, d = arch.latentDim, nd = arch.rnnNoiseDim
        let st = makeStepState()
        let z0 = Tensor(shape: [b, d]), target = Tensor(shape: [b, d]), nz = Tensor(shape: [b, nd])
        for i in 0..<b {
            let s = rng.int(below: trajectories.count), u = rng.int(below: trajectoryLength - 1)
            copyData(sequence: s, step: u, into: z0.pointer + i * d)
            copyData(sequence: s, step: u + 1, into: target.pointer + i * d)
        }
        rng.fillGaussian(nz.buffer)
        let pred = residualStep(z0, noise: nz, state: st).next
        let g = Tensor(shape: [b, d])
        let loss = Loss.meanSquaredError(prediction: pred, target: target, gradient: g, scale: settings.predictionWeight)
        // Only the parameters' gradients: the data latent z0 needs none.
        let gRaw = renorm.backward(g, state: st.renorm, options: .all)!
        rnn.backward(gRaw, state: st.rnn, options: .parametersOnly)
        return loss
    }

    /// The denoising rollout term: perturbed footage latents unrolled `denoisingHorizon`
    /// steps towards the data's following latents; accumulates the RNN's gradients and returns
    /// the weighted loss.
    public func denoisingStep(rng: inout RandomGenerator) -> Float {
        let b = settings.batch, d = arch.latentDim, nd = arch.rnnNoiseDim
        let k = max(1, min(settings.denoisingHorizon, trajectoryLength - 1))
        let start = Tensor(shape: [b, d])
        let targets = (0..<k).map { _ in Tensor(shape: [b, d]) }
        for i in 0..<b {
            let s = rng.int(below: trajectories.count), u = rng.int(below: trajectoryLength - k)
            copyData(sequence: s, step: u, into: start.pointer + i * d)
            for j in 0..<k { copyData(sequence: s, step: u + 1 + j, into: targets[j].pointer + i * d) }
            let sigma = settings.denoisingNoise * rng.uniformFloat()
            for c in 0..<d { start.pointer[i * d + c] += sigma * rng.gaussian() }
        }
        // The perturbed start, renormalized as the loop keeps every latent (an input: no gradient).
        var zs = [renorm.forward(start, state: renorm.makeState(), training: true).clone()]
        let states = (0..<k).map { _ in makeStepState() }
        for j in 0..<k {
            let noise = Tensor(shape: [b, nd])
            rng.fillGaussian(noise.buffer)
            zs.append(residualStep(zs[j], noise: noise, state: states[j]).next)
        }
        var loss: Float = 0
        var carriedGradient = Tensor(shape: [b, d])
        for j in stride(from: k - 1, through: 0, by: -1) {
            let g = Tensor(shape: [b, d])
            loss += Loss.meanSquaredError(prediction: zs[j + 1], target: targets[j], gradient: g,
                                          scale: settings.denoisingWeight / Float(k))
            for i in 0..<(b * d) { g.pointer[i] += carriedGradient.pointer[i] }
            let gRaw = renorm.backward(g, state: states[j].renorm, options: .all)!
            carriedGradient = residualStepBackward(rawGradient: gRaw, state: states[j])
        }
        return loss
    }
}
