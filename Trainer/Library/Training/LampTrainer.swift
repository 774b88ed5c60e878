import DuralavaNN
import DuralavaData
import DuralavaMeasure
import DuralavaRuntime
import LampOutput
#if canImport(Glibc)
import Glibc
#endif

/// Set from a SIGINT, SIGTERM or SIGHUP handler; the training loop checks it between steps,
/// saves a checkpoint and stops. nonisolated(unsafe): a 32-bit word written by the handler and
/// read between steps; a late read stops one step later (docs/architecture.md, the opt-outs).
nonisolated(unsafe) public var trainingStopRequested: Int32 = 0

/// A whole training run in a folder: phase 1 (frames) then phase 2 (time), progress lines,
/// metrics.csv, sample sheets, checkpoints (temporary file + rename), and the exported model.
public final class LampTrainer {
    public private(set) var preset: TrainingPreset
    public let data: LampSequences
    public let directory: String
    public let frames: FramePhase
    public private(set) var dynamics: DynamicsPhase
    public private(set) var step = 0 // global: frame steps, then dynamics steps
    private var rng: RandomGenerator
    private let log: (String) -> Void
    private let seed: UInt64
    /// Footage the frame model check uses instead of the training footage (the CLI
    /// simulates unseen lamp runs when training on the simulator).
    public var heldOutFootage: LampSequences?
    public var totalSteps: Int { preset.frameSteps + preset.dynamicsSteps }
    /// True when the last run() stopped because a signal asked it to (checkpoint saved, no
    /// model exported).
    public private(set) var stoppedBySignal = false
    /// Step of the last checkpoint this trainer saved or resumed from (nil: none yet).
    public private(set) var lastCheckpointStep: Int?
    public var checkpointPath: String { LampTrainer.checkpointPath(in: directory) }
    public static func checkpointPath(in directory: String) -> String { directory + "/checkpoint.safetensors" }
    public var modelPath: String { directory + "/model.safetensors" }
    /// The footage and run options the run was started with (RunSettings.runOptions), recorded
    /// in every checkpoint beside the preset's values so that a resume restores them.
    public var runOptions: [String: String] = [:]
    /// Settings changed on a resume (--override), one line each, oldest first: recorded in the
    /// checkpoint and the model's provenance.
    public var overrides: [String] = []
    /// Override lines of this invocation, written into metrics.csv when the run starts.
    private var pendingOverrideNotes: [String] = []

    public init(preset: TrainingPreset, data: LampSequences, directory: String, seed: UInt64,
                log: @escaping (String) -> Void) throws {
        guard data.width == preset.arch.frameWidth, data.height == preset.arch.frameHeight else {
            throw TrainingError("footage is \(data.width)x\(data.height) but the preset trains \(preset.arch.frameSizeText)")
        }
        guard data.length >= 2 else { throw TrainingError("footage sequences need at least 2 frames") }
        self.preset = preset; self.data = data; self.directory = directory; self.log = log; self.seed = seed
        var init_ = RandomGenerator(seed: seed)
        frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &init_)
        dynamics = DynamicsPhase(arch: preset.arch, settings: preset.dynamics, rng: &init_)
        rng = RandomGenerator(seed: seed &+ 0x5EED)
        // runs/NAME with its parents, as a user typing a new path expects.
        do { try makeDirectories(directory) } catch {
            throw TrainingError("\(error.path): cannot create the run directory (\(error.message))")
        }
    }

    private var allParameters: [Parameter] { frames.parameters + dynamics.parameters }
    private var allOptimizers: [String: Optimizer] { frames.optimizers.merging(dynamics.optimizers) { a, _ in a } }

    public func saveCheckpoint() throws {
        try Checkpoint.save(to: checkpointPath, parameters: allParameters, optimizers: allOptimizers,
                            randomGenerators: ["train": rng], step: step,
                            metadata: checkpointMetadata)
        lastCheckpointStep = step
    }

    /// Everything a resume needs besides the tensors: the preset, frame size, every resolved
    /// setting and the overrides taken so far.
    var checkpointMetadata: [String: String] {
        var m = RunSettings.metadata(RunSettings.values(of: preset).merging(runOptions) { a, _ in a })
        m["preset"] = preset.name
        m["frame_size"] = preset.arch.frameSizeText
        if !overrides.isEmpty { m[RunSettings.overridesKey] = overrides.joined(separator: "; ") }
        return m
    }

    /// Records settings changed on this resume (e.g. "learning-rate 0.001 -> 0.0005"), at the step resumed from.
    public func recordOverrides(_ changes: [String]) {
        guard !changes.isEmpty else { return }
        let line = "step \(step): " + changes.joined(separator: ", ")
        overrides.append(line)
        pendingOverrideNotes.append(line)
        log("settings changed on resume: " + changes.joined(separator: ", "))
    }

    public func resume() throws {
        if let size = try Checkpoint.userMetadata(at: checkpointPath)["frame_size"],
           let trained = LampArchitecture.parseFrameSize(size),
           trained.width != preset.arch.frameWidth || trained.height != preset.arch.frameHeight {
            throw TrainingError("\(checkpointPath): trained at \(trained.width)x\(trained.height), not \(preset.arch.frameSizeText) "
                                + "(resume without --size, or with --size \(trained.width)x\(trained.height))")
        }
        // Phase 2's pixel critic only exists in runs that use it: a checkpoint without it
        // loads into a run with it (the critic starts fresh), and one with it into a run
        // without it (its tensors are left unread).
        let pixel = dynamics.pixelCritic
        // The free-run pool likewise: read when the checkpoint has it, a fresh pool otherwise.
        let pool = dynamics.freeRunPool.map { [$0.latentsParameter, $0.agesParameter] } ?? []
        let separate = Set(((pixel?.parameters ?? []) + pool).map { ObjectIdentifier($0) })
        let c = try Checkpoint.load(from: checkpointPath, parameters: allParameters.filter { !separate.contains(ObjectIdentifier($0)) },
                                    optimizers: allOptimizers.filter { $0.key != PixelCritic.optimizerName },
                                    optionalParameters: pixel?.parameters ?? [],
                                    optionalOptimizers: pixel.map { [PixelCritic.optimizerName: $0.optimizer] } ?? [:],
                                    ignoredPrefixes: (pixel == nil ? PixelCritic.checkpointPrefixes : []) + [FreeRunPool.checkpointPrefix],
                                    requiredRandomGenerators: ["train"])
        if !pool.isEmpty {
            let file: SafetensorsFile
            do { file = try SafetensorsFile(path: checkpointPath) } catch { throw TrainingError("\(error)") }
            for p in pool where file.tensors["param." + p.name] != nil {
                do { p.value.copy(from: Tensor(shape: p.value.shape, values: try file.floats("param." + p.name, shape: p.value.shape))) } catch {
                    throw TrainingError("\(checkpointPath): tensor \"param.\(p.name)\": \(error)")
                }
            }
        }
        guard c.metadata["preset"] == preset.name else {
            throw TrainingError("\(checkpointPath): trained with preset \(c.metadata["preset"] ?? "?"), not \(preset.name)")
        }
        step = c.step
        lastCheckpointStep = step
        frames.stepsTaken = min(step, preset.frameSteps)
        recalibratedAtFrameStep = nil  // the checkpoint brought its own statistics
        rng = c.randomGenerators["train"]!
        if step >= preset.frameSteps { encodeFootage() }
        log("resumed \(checkpointPath) at step \(step)/\(totalSteps)")
    }

    /// Goes back to the end of phase 1 and trains the frame model `steps` more (then phase 2
    /// again from fresh networks): for refining a trained run with other frame settings.
    public func extendFramePhase(by steps: Int, dynamics settings: DynamicsPhase.Settings) {
        let end = preset.frameSteps
        preset.frameSteps += steps
        step = end
        var r = RandomGenerator(seed: seed &+ 0xD1A)
        dynamics = DynamicsPhase(arch: preset.arch, settings: settings, rng: &r)
        log("phase 1 extended from step \(end) to \(preset.frameSteps); phase 2 will start from fresh networks")
    }

    /// Starts phase 2 again from fresh networks on the trained frame model (to try other
    /// dynamics settings without repeating phase 1).
    public func restartDynamics(settings: DynamicsPhase.Settings) {
        var r = RandomGenerator(seed: seed &+ 0xD1A)
        dynamics = DynamicsPhase(arch: preset.arch, settings: settings, rng: &r)
        step = preset.frameSteps
        encodeFootage()
        log("phase 2 restarted from step \(step) with fresh dynamics networks")
    }

    /// Trains until done or until Ctrl-C; returns true when all steps are done.
    @discardableResult
    public func run(stopAfter maxSteps: Int = Int.max) throws -> Bool {
        // Rows past the step this run continues from (written after the checkpoint a resumed
        // run restarts at) are dropped, so every step has one row.
        let metrics = try MetricsFile(path: directory + "/metrics.csv",
                                      header: MetricsRow.header,
                                      keepingStepsThrough: step)
        for note in pendingOverrideNotes { metrics.append("# resumed with changed settings at " + note) }
        pendingOverrideNotes = []
        stoppedBySignal = false
        let started = monotonicSeconds()
        var lastLog = started - 10, stepsThisRun = 0
        while step < totalSteps && stepsThisRun < maxSteps {
            if trainingStopRequested != 0 {
                try saveCheckpoint()
                stoppedBySignal = true
                log("\nstopped at step \(step); checkpoint saved to \(checkpointPath) (resume with --resume)")
                return false
            }
            let inFramePhase = step < preset.frameSteps
            var row: MetricsRow
            var extra = ""
            if inFramePhase {
                let lr = cosineScale(step, preset.frameSteps)
                let l = frames.step(data: data, rng: &rng, learningRateScale: lr)
                row = MetricsRow(phase: 1, critic: l.critic, adversarial: l.adversarial, reconstruction: l.reconstruction,
                                 moment: l.moment, priorOrPrediction: l.prior)
                if frames.settings.gradientDifferenceWeight > 0 { extra = " gdl \(NumberFormat.fixed(Double(l.gradientDifference), 4))" }
                if frames.settings.latentMMDWeight > 0 { extra += " mmd \(NumberFormat.fixed(Double(l.latentMMD), 4))" }
                if frames.settings.frameStatisticsWeight > 0 { extra += " stats \(NumberFormat.fixed(Double(l.frameStatistics), 4))" }
                if frames.settings.neighbourDifferenceWeight > 0 { extra += " ndiff \(NumberFormat.fixed(Double(l.neighbourDifference), 4))" }
                if frames.settings.criticGradientPenalty > 0 { extra += " r1 \(NumberFormat.fixed(Double(l.criticPenalty), 4))" }
            } else {
                let lr = cosineScale(step - preset.frameSteps, preset.dynamicsSteps)
                let l = dynamics.step(rng: &rng, learningRateScale: lr)
                row = MetricsRow(phase: 2, critic: l.critic, adversarial: l.adversarial, moment: l.moment, priorOrPrediction: l.prediction,
                                 rolloutChange: l.rolloutChange, dataChange: l.dataChange, manifoldDistance: l.manifoldDistance)
                if dynamics.settings.denoisingWeight > 0 { extra = " denoise \(NumberFormat.fixed(Double(l.denoising), 4))" }
                if dynamics.pixelCritic != nil {
                    extra += " pixel critic \(NumberFormat.fixed(Double(l.pixelCritic), 3)) adv \(NumberFormat.fixed(Double(l.pixelAdversarial), 3))"
                }
            }
            if let bad = row.losses.first(where: { !$0.value.isFinite }) {
                let kept = lastCheckpointStep.map { "the last checkpoint (step \($0), \(checkpointPath)) is kept" }
                    ?? "no checkpoint was written"
                throw TrainingError("step \(step + 1): the \(bad.name) loss is \(bad.value): training diverged and was stopped; "
                                    + "\(kept); try a smaller learning rate or loss weight")
            }
            step += 1; stepsThisRun += 1
            let now = monotonicSeconds()
            let rate = Double(stepsThisRun) / max(now - started, 1e-9)
            metrics.append("\(step)," + row.csvFields + ",\(rate)")
            if now - lastLog >= 2 || step == totalSteps {
                lastLog = now
                let eta = Double(totalSteps - step) / max(rate, 1e-9)
                let f = { (x: Float, digits: Int) in NumberFormat.fixed(Double(x), digits) }
                let what = inFramePhase
                    ? "critic \(f(row.critic, 3)) adv \(f(row.adversarial, 3)) rec \(f(row.reconstruction, 4)) moment \(f(row.moment, 3)) "
                      + "prior \(f(row.priorOrPrediction, 3))\(extra)"
                    : "critic \(f(row.critic, 3)) adv \(f(row.adversarial, 3)) moment \(f(row.moment, 3)) pred \(f(row.priorOrPrediction, 3)) "
                      + "change \(f(row.rolloutChange, 3)) (data \(f(row.dataChange, 3))) off-manifold \(f(row.manifoldDistance, 3))\(extra)"
                log("phase \(inFramePhase ? 1 : 2) step \(step)/\(totalSteps)  \(what)  \(NumberFormat.fixed(rate, 2)) steps/s  ETA \(NumberFormat.duration(eta, tenths: false))")
            }
            if step == preset.frameSteps {
                try checkFrameModel()
                if let c = lastFrameCheck, !c.passes {
                    log("warning: phase 2 starts on a frame model that fails its frame check (\(directory)/frame-check.md): "
                        + "the lamp can be no more realistic than its frames")
                }
                encodeFootage()
            }
            if step % preset.sampleEvery == 0 || step == totalSteps { try writeSamples() }
            if step % preset.checkpointEvery == 0 || step == totalSteps { try saveCheckpoint() }
        }
        if step < totalSteps { try saveCheckpoint() }
        try export()
        return step >= totalSteps
    }

    private func cosineScale(_ s: Int, _ total: Int) -> Float {
        CosineSchedule(initial: 1, final: 0.1, totalSteps: max(total, 1)).rate(at: s)
    }

    /// Writes the runtime model (EMA generator + RNN) with provenance metadata.
    public func export(to path: String? = nil) throws {
        var meta = data.provenance
        meta["provenance.steps"] = "\(step) (frame phase \(min(step, preset.frameSteps)), dynamics phase \(max(0, step - preset.frameSteps)))"
        meta["provenance.preset"] = preset.name
        meta[ModelSchema.Key.footageFrameChange] = "\(footageFrameChange)"
        if !overrides.isEmpty { meta["provenance.overrides"] = overrides.joined(separator: "; ") }
        let dyn = dynamics.settings
        if dyn.denoisingWeight > 0 {
            meta["provenance.dynamics_denoising"] = "weight \(dyn.denoisingWeight), noise up to \(dyn.denoisingNoise), horizon \(dyn.denoisingHorizon)"
        }
        if dyn.pixelCriticWeight > 0 {
            meta["provenance.dynamics_pixel_critic"] = "weight \(dyn.pixelCriticWeight), \(dyn.pixelCriticSamples) samples, blur \(dyn.pixelCriticBlurRadius)"
                + (dyn.pixelCriticAgainstDecodedFootage ? ", against decoded footage latents" : ", against footage frames")
        }
        meta["description"] = "duralava lamp trained with duralava-train (preset \(preset.name))"
        recalibrate()
        if let bad = NonFiniteCheck.firstBadParameter(allParameters) {
            throw TrainingError("\(path ?? modelPath): not exported: parameter \"\(bad.name)\" holds \(bad.value) at element \(bad.index) "
                                + "(training diverged); the previous model file is kept")
        }
        var options = LampExportOptions(noiseDim: preset.arch.rnnNoiseDim, residual: true,
                                        stepSeconds: Float(data.stepSeconds), trained: step > 0, extraMetadata: meta)
        options.noiseCorrelation = preset.dynamics.noiseCorrelation
        var writer = try LampModelExport.makeWriter(generator: frames.exportedGenerator, rnn: dynamics.rnn, options: options,
                                                    path: path ?? modelPath)
        writer.add(ModelSchema.RNN.startLatents, shape: [startLatentCount, preset.arch.latentDim], floats: startLatents())
        try writer.write(to: path ?? modelPath)
    }

    /// The footage's median per-step frame change, recorded in the model for the runtime's
    /// motion judgement and stall guard.
    public private(set) lazy var footageFrameChange: Float = data.medianFrameChange()

    /// Runs the exported lamp `steps` steps through the runtime's loop and judges its motion
    /// against the footage's (`MotionWatch`): the problems, empty when it moves.
    public func motionProblems(steps: Int = 3000) throws -> (problems: [String], summary: String) {
        let lamp: LampModel
        do throws(ModelError) { lamp = try LampModel(path: modelPath) } catch { throw TrainingError(error.message) }
        let animator = LampAnimator(model: lamp, seed: 1)
        var watch = MotionWatch(config: lamp.config, capacity: steps)
        for _ in 0..<steps {
            animator.advance()
            animator.render(phase: 0)
            watch.observe(animator.loop.lastFrameChange)
        }
        return (watch.problems, watch.summary)
    }

    /// How many encoded real frames the model file carries as starting states.
    public var startLatentCount: Int { min(64, data.frameCount) }

    /// Encoded frames spread evenly over the footage: where a (re)seeded lamp starts.
    func startLatents() -> [Float] { frames.encode(evenlySpacedFrames(count: startLatentCount)).array }

    /// `count` frames spread evenly over the footage (no random draws, so using them does not
    /// change the training run).
    func evenlySpacedFrames(count k: Int) -> Tensor {
        let n = data.frameValueCount
        let batch = Tensor(shape: [k, preset.arch.frameHeight, preset.arch.frameWidth, 3])
        for i in 0..<k {
            let index = i * data.frameCount / k
            data.copyFrame(sequence: index / data.length, step: index % data.length, into: batch.pointer + i * n)
        }
        return batch
    }

    /// The frames that set the encoder's and exported generator's inference statistics.
    private lazy var calibrationFrames = evenlySpacedFrames(count: min(128, data.frameCount))

    /// Recomputes inference statistics for the current weights (see `FramePhase.recalibrate`);
    /// a no-op while the frame model has not changed since the last time (all of phase 2).
    func recalibrate() {
        guard recalibratedAtFrameStep != frames.stepsTaken else { return }
        frames.recalibrate(frames: calibrationFrames)
        recalibratedAtFrameStep = frames.stepsTaken
    }
    private var recalibratedAtFrameStep: Int?

    /// Footage for the prior-sample half of the frame check: held-out and long enough for
    /// frames spaced seconds apart (the CLI simulates unseen runs when training on the
    /// simulator); nil: the check's footage (held-out or training) is used.
    public var priorCheckFootage: (() -> LampSequences)?

    /// The last frame model check of this run (nil: not run in this invocation).
    public private(set) var lastFrameCheck: FrameModelCheck?

    /// The frame model's realism on its own (see `FrameModelCheck`): reconstructions and prior
    /// samples, logged and written to frame-check.md (with frame-check.png, a strip of real
    /// frames, their reconstructions and prior samples) in the run directory; skipped for
    /// short footage.
    public func checkFrameModel() throws {
        recalibrate()
        let footage = heldOutFootage ?? data
        let which = heldOutFootage == nil ? "training footage" : "held-out footage"
        log("frame model check: classifier tests of reconstructions and of prior samples against real frames (\(which))...")
        guard let c = FrameModelCheck.run(frames: frames, data: footage, seed: seed,
                                          priorFootage: priorCheckFootage?() ?? footage, training: data) else {
            log("frame model check skipped: too little footage for a chunked classifier test")
            return
        }
        lastFrameCheck = c
        let target = NumberFormat.fixed(PriorSamples.accuracyTarget, 2)
        let reconstructions = "reconstructions vs real frames: classifier accuracy \(NumberFormat.fixed(c.reconstructionAccuracy, 3)) "
            + "(real vs real: \(NumberFormat.fixed(c.realAccuracy, 3)); \(c.framesPerSet) frames per set, step \(step)); "
            + "linear family \(NumberFormat.fixed(c.linearReconstructionAccuracy, 3)) (real vs real: \(NumberFormat.fixed(c.linearRealAccuracy, 3)))"
        log("frame model check (\(which)): " + reconstructions)
        var text = "# Frame model check\n\nStep \(step), \(which). The report card's classifier two-sample tests "
            + "(docs/report-card.md: the CNN and the linear family), each beside its real-vs-real floor.\n\n"
            + "**\(c.passes ? "Passes" : "Fails")** (targets: both families ≤ \(target) for reconstructions and prior samples; "
            + "prior samples' colour-histogram distance ≤ 2× real vs real; diversity passes).\n\n"
            + "- Reconstructions (encoder, then the exported generator) of half the footage's sequences vs the real frames of the "
            + "other half: " + reconstructions + "\n"
        if let p = c.prior {
            log("frame model check: " + p.summary)
            text += "- Prior samples: frames decoded from random N(0, I) latents renormalized as the lamp's loop does, vs real frames "
                + "spaced \(p.spacingSteps) steps apart (every point of the sphere the loop keeps the lamp on should be a lamp): "
                + p.summary + "\n"
            try writeFrameCheckStrip(prior: p.samples, footage: footage)
            text += "\n![Real frames, their reconstructions, prior samples](frame-check.png)\n\n"
                + "Rows: held-out real frames; their reconstructions; frames decoded from random renormalized N(0, I) latents.\n"
        }
        log("frame model check: " + (c.passes ? "passes" : "FAILS") + " (\(directory)/frame-check.md)")
        try writeFileAtomically(directory + "/frame-check.md", [Array(text.utf8)])
    }

    /// frame-check.png: 8 real frames, their reconstructions, 8 prior samples.
    private func writeFrameCheckStrip(prior: FrameSet, footage: LampSequences) throws {
        let w = data.width, h = data.height, n = data.frameValueCount, k = 8
        let real = Tensor(shape: [k, h, w, 3])
        for i in 0..<k {
            let index = i * footage.frameCount / k
            footage.copyFrame(sequence: index / footage.length, step: index % footage.length, into: real.pointer + i * n)
        }
        let gen = frames.exportedGenerator
        let recon = gen.forward(frames.encode(real), state: gen.makeState(), training: false)
        let rows = [FrameSet(width: w, height: h, values: real.array), FrameSet(width: w, height: h, values: recon.array), prior]
            .map { set in (0..<min(k, set.count)).map { set.rgb($0) } }
        let grid = FrameGrid(rows: rows, frameWidth: w, frameHeight: h, scale: FrameGrid.scale(frameWidth: w, frameHeight: h))
        try writePNG(path: directory + "/frame-check.png", width: grid.width, height: grid.height, rgb: grid.pixels)
    }

    /// Encodes the footage into latent trajectories for phase 2, with fresh statistics.
    private func encodeFootage() {
        recalibrate()
        dynamics.encodeFootage(data, with: frames)
        if dynamics.settings.manifoldWeight > 0 {
            // How far real frames' latents are from their own projection: the pull's tolerance.
            let z = frames.encode(calibrationFrames), p = frames.project(z), d = preset.arch.latentDim
            var sum = 0.0, perLatent: [Float] = []
            for i in 0..<z.batch {
                var s: Float = 0
                for k in 0..<d { let e = z.pointer[i * d + k] - p.pointer[i * d + k]; s += e * e }
                sum += Double(s); perLatent.append((s / Float(d)).squareRoot())
            }
            perLatent.sort()
            dynamics.manifoldTolerance = perLatent[min(perLatent.count - 1, perLatent.count * 9 / 10)]
            log("encoded footage: RMS distance of real frames' latents from their projection "
                + NumberFormat.fixed((sum / Double(z.count)).squareRoot(), 3) + ", 90th percentile "
                + NumberFormat.fixed(Double(dynamics.manifoldTolerance), 3) + " (the manifold pull's tolerance)")
        }
    }

    /// Mean squared error of inference-mode reconstructions of the calibration frames, and of
    /// the average calibration frame (what a model that ignores its latent would reach).
    public func reconstructionError() -> (model: Double, averageFrame: Double) {
        recalibrate()
        let real = calibrationFrames, gen = frames.exportedGenerator
        let recon = gen.forward(frames.encode(real), state: gen.makeState(), training: false)
        var model = 0.0
        for i in 0..<real.count { let e = Double(recon.pointer[i]) - Double(real.pointer[i]); model += e * e }
        return (model / Double(real.count), averageFrameError)
    }

    /// Mean squared error of the calibration frames' average frame (fixed for a run).
    private lazy var averageFrameError: Double = {
        let real = calibrationFrames, k = real.batch, n = data.frameValueCount
        var mean = [Double](repeating: 0, count: n), sum = 0.0
        for i in 0..<k { for j in 0..<n { mean[j] += Double(real.pointer[i * n + j]) / Double(k) } }
        for i in 0..<k { for j in 0..<n { let e = mean[j] - Double(real.pointer[i * n + j]); sum += e * e } }
        return sum / Double(k * n)
    }()

    /// Sample sheet: top row real frames, then their reconstructions, then frames from fresh
    /// latents; in phase 2 also a short APNG of the lamp running through the runtime's loop.
    public func writeSamples() throws {
        let w = preset.arch.frameWidth, h = preset.arch.frameHeight, n = data.frameValueCount, count = 8
        recalibrate()
        if step <= preset.frameSteps {
            let e = reconstructionError()
            log("step \(step): inference reconstruction error (MSE over \(calibrationFrames.batch) frames) "
                + "\(NumberFormat.compact(e.model, 3)); the average frame's: \(NumberFormat.compact(e.averageFrame, 3))")
        }
        let real = Tensor(shape: [count, h, w, 3])
        var sampleRng = RandomGenerator(seed: 1234)
        for i in 0..<count {
            data.copyFrame(sequence: sampleRng.int(below: data.sequences.count), step: sampleRng.int(below: data.length),
                           into: real.pointer + i * n)
        }
        let z = frames.encode(real)
        let gen = frames.exportedGenerator
        let recon = gen.forward(z, state: gen.makeState(), training: false).clone()
        let prior = Tensor(shape: [count, preset.arch.latentDim])
        sampleRng.fillGaussian(prior.buffer)
        for i in 0..<count { DuralavaRuntime.renormalize(prior.pointer + i * preset.arch.latentDim, count: preset.arch.latentDim) }
        let fresh = gen.forward(prior, state: gen.makeState(), training: false).clone()
        var sheet = [UInt8](repeating: 0, count: count * w * 3 * h * 3)
        for (row, t) in [real, recon, fresh].enumerated() {
            for i in 0..<count {
                for y in 0..<h {
                    for x in 0..<w {
                        for c in 0..<3 {
                            let v = t.pointer[i * n + (y * w + x) * 3 + c]
                            sheet[((row * h + y) * count * w + i * w + x) * 3 + c] = UInt8(max(0, min(255, v * 255 + 0.5)))
                        }
                    }
                }
            }
        }
        try writePNG(path: directory + "/samples-\(zeroPadded(step, 6)).png", width: count * w, height: 3 * h, rgb: sheet)
        if step > preset.frameSteps {
            try export(to: modelPath)
            let lamp = try LampModel(path: modelPath)
            let animator = LampAnimator(model: lamp, seed: 1)
            let steps = 40
            let sink = try FrameSink(path: directory + "/samples-\(zeroPadded(step, 6)).apng.png", frameWidth: w, frameHeight: h,
                                     frameCount: steps, delay: (1, UInt16(max(1, (1 / data.stepSeconds).rounded()))))
            try FrameSink.record(animator, steps: steps, into: sink)
            try sink.finish()
        }
    }
}

/// One row of metrics.csv: a training step's losses, each with its column. The columns are
/// named once, here, in the order the file has always had.
struct MetricsRow {
    /// 1 (frames) or 2 (time).
    var phase: Float
    var critic: Float = 0, adversarial: Float = 0, reconstruction: Float = 0, moment: Float = 0
    /// Phase 1's prior penalty, phase 2's one-step prediction loss.
    var priorOrPrediction: Float = 0
    /// Phase 2: RMS latent change per step of the rollouts and of the data, and the distance
    /// off the frame model's manifold.
    var rolloutChange: Float = 0, dataChange: Float = 0, manifoldDistance: Float = 0

    /// The columns after `step`, as (CSV name, name in a divergence error, value).
    var columns: [(csv: String, name: String, value: Float)] { [
        ("phase", "phase", phase), ("critic", "critic", critic), ("adversarial", "adversarial", adversarial),
        ("reconstruction", "reconstruction", reconstruction), ("moment", "moment", moment),
        ("prior_or_prediction", phase == 1 ? "prior" : "prediction", priorOrPrediction),
        ("rollout_change", "rollout change", rolloutChange), ("data_change", "data change", dataChange),
        ("manifold_distance", "manifold distance", manifoldDistance),
    ] }

    /// The loss columns (all but the phase), for the divergence check.
    var losses: [(name: String, value: Float)] { columns.dropFirst().map { ($0.name, $0.value) } }

    /// The row's fields after `step`, comma-separated.
    var csvFields: String { columns.map { "\($0.value)" }.joined(separator: ",") }

    static var header: String {
        "step," + MetricsRow(phase: 0).columns.map(\.csv).joined(separator: ",") + ",steps_per_second"
    }
}

/// Appends lines to a CSV file, writing the header when the file is new.
final class MetricsFile {
    private let handle: UnsafeMutablePointer<FILE>

    /// Rows whose step (first field) is above `keepingStepsThrough` are removed first: a run
    /// resumed from a checkpoint at step S writes steps S+1... again.
    init(path: String, header: String, keepingStepsThrough last: Int = Int.max) throws {
        var exists = fileExists(path)
        if exists, let bytes = try? readWholeFile(path) {
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            let kept = lines.filter { line in
                guard let step = Int(line.prefix(while: { $0 != "," })) else { return true } // the header
                return step <= last
            }
            if kept.count != lines.count {
                try writeFileAtomically(path, [Array(kept.map { $0 + "\n" }.joined().utf8)])
            }
            exists = !kept.isEmpty
        }
        guard let h = fopen(path, "a") else {
            throw TrainingError("\(path): cannot open for appending (\(String(cString: strerror(errno))))")
        }
        handle = h
        if !exists { append(header) }
    }

    func append(_ line: String) {
        fputs(line + "\n", handle)
        fflush(handle)
    }

    deinit { fclose(handle) }
}

