import DuralavaRuntime

/// Activation ranges of a float lamp, observed on what the lamp actually sees (docs/design.md#quantization):
/// latents along long trajectories of the guarded loop — started from each of the model's start
/// latents in turn (fresh N(0,1) latents when it has none), with the model's own RNN noise —
/// plus the start latents themselves. Every step's RNN activations are observed; the generator
/// runs on every `frameEvery`-th latent.
public struct Calibration {
    public struct Settings {
        /// Loop steps in all (split into one trajectory per start latent, at most 64).
        public var steps = 4000
        /// Generator frames on every n-th step.
        public var frameEvery = 2
        public var seed: UInt64 = 1
        /// Tail quantile clipped from each int8 activation's range (0: exact min/max). With the
        /// last two hidden layers wide, 1e-5 removed the bias of 1e-3's clipping (−2.1 → −0.5
        /// levels at worst) for ×1.07 of the float lamp's motion instead of ×1.03; exact ranges
        /// shimmered more (×1.14; docs/int8.md).
        public var tail = 1e-5
        public init() {}
    }

    public let settings: Settings
    /// [z, noise] at the RNN's input, then each dense layer's output (after LeakyReLU).
    public var rnnInput: RangeObserver
    public var rnnOutputs: [RangeObserver]
    /// The latent fed to the generator, then each layer's output (after LeakyReLU; logits last).
    public var generatorInput: RangeObserver
    public var generatorOutputs: [RangeObserver]
    public private(set) var frames = 0
    public private(set) var trajectories = 0
    /// Loop steps run in all (trajectories × steps each).
    public private(set) var loopSteps = 0
    /// Guard interventions beyond renormalization in the float loop during calibration.
    public private(set) var interventions = 0

    /// Runs the float model; `progress(done, total)` is called now and then.
    public init(model: LampModel, settings: Settings, progress: (Int, Int) -> Void = { _, _ in }) {
        guard case .float(let generator) = model.generator, case .float(let rnn) = model.rnn else {
            preconditionFailure("calibration runs a float model")
        }
        self.settings = settings
        let c = model.config
        var rnnInput = RangeObserver()
        var rnnOutputs = rnn.layers.map { _ in RangeObserver(stride: 1) }
        var generatorInput = RangeObserver()
        // Keep roughly 4 M sampled values per generator layer at most.
        let expectedFrames = Swift.max(settings.steps / Swift.max(settings.frameEvery, 1), 1)
        var generatorOutputs = generator.layers.map { RangeObserver(stride: Swift.max(1, $0.geometry.outputCount * expectedFrames / 4_000_000)) }
        var frames = 0, interventions = 0

        let dim = c.latentDim
        let starts = model.startLatents.count / dim
        let trajectories = Swift.max(1, Swift.min(starts == 0 ? 16 : starts, 64))
        let perTrajectory = Swift.max(1, settings.steps / trajectories)
        var frame = [Float](repeating: 0, count: generator.frameValueCount)
        var y = [Float](repeating: 0, count: dim)
        var noise = [Float](repeating: 0, count: Swift.max(c.rnnNoiseDim, 1))
        var random = RandomSource(seed: settings.seed &+ 0xCA11B)
        var done = 0

        func observeFrame(_ z: UnsafePointer<Float>) {
            generatorInput.observe(UnsafeBufferPointer(start: z, count: dim))
            frame.withUnsafeMutableBufferPointer { f in
                generator.forward(latent: z, frame: f.baseAddress!) { i, out in generatorOutputs[i].observe(out) }
            }
            frames += 1
        }

        for k in 0..<starts { model.startLatents.withUnsafeBufferPointer { observeFrame($0.baseAddress! + k * dim) } }

        for t in 0..<trajectories {
            let loop = LatentLoop(rnn: model.rnn, seed: settings.seed &+ UInt64(t), startLatents: [])
            if starts > 0 { loop.reset(to: Array(model.startLatents[(t % starts) * dim..<((t % starts) + 1) * dim])) }
            for s in 0..<perTrajectory {
                // The loop draws its own noise; replay the RNN on the same latent with noise of
                // the same distribution to observe its activations.
                if c.rnnNoiseDim > 0 { noise.withUnsafeMutableBufferPointer { random.fillGaussian($0) } }
                noise.withUnsafeBufferPointer { n in
                    y.withUnsafeMutableBufferPointer { yb in
                        rnn.step(loop.latent.baseAddress!, noise: n.baseAddress!, into: yb.baseAddress!) { j, out in
                            if j < 0 { rnnInput.observe(out) } else { rnnOutputs[j].observe(out) }
                        }
                    }
                }
                let before = loop.counters.interventions
                loop.step()
                interventions += loop.counters.interventions - before
                if s % Swift.max(settings.frameEvery, 1) == 0 { observeFrame(loop.latent.baseAddress!) }
                done += 1
                if done % 250 == 0 { progress(done, trajectories * perTrajectory) }
            }
        }
        progress(done, trajectories * perTrajectory)
        self.loopSteps = done
        self.rnnInput = rnnInput; self.rnnOutputs = rnnOutputs
        self.generatorInput = generatorInput; self.generatorOutputs = generatorOutputs
        self.frames = frames; self.trajectories = trajectories; self.interventions = interventions
    }

    /// One sentence for the int8 file's `quantization.calibration` key.
    public var summary: String {
        "activation ranges from \(trajectories) trajectories of the guarded float loop (\(loopSteps) steps, "
            + "seed \(settings.seed), started from the model's start latents), the generator on \(frames) of their latents "
            + "and the start latents; " + "range = the \(settings.tail) and \(1 - settings.tail) quantiles of each int8 activation, the observed minimum and maximum of each int16 one"
            + " and of the logits (capped at ±\(Int8Conversion.saturatedLogit), where the sigmoid saturates), widened to include 0"
    }
}
