import DuralavaNN
import ArgumentParser
import CLIOptions
import DuralavaData
import DuralavaRuntime
import DuralavaTrainer
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-train train`: learns a lamp (frames, then time) and exports a runtime model.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a lamp on the simulator or a directory of PNG frames; writes runs/NAME/model.safetensors.",
        discussion: """
            Phase 1 learns frames (encoder + generator + per-frame critic), phase 2 learns time \
            (a stochastic latent RNN against a transition critic, on the encoded footage). \
            Progress lines go to stderr; runs/NAME holds metrics.csv, sample sheets, \
            checkpoint.safetensors and model.safetensors. Ctrl-C saves a checkpoint; --resume continues.
            """)

    // The options in groups, as `train --help` shows them (the phases and experiments: docs/training.md);
    // the properties below forward to them, so the rest of the command reads them by name.
    @OptionGroup(title: "Footage") var footage: FootageOptions
    @OptionGroup(title: "Frame phase") var framePhase: FramePhaseOptions
    @OptionGroup(title: "Dynamics phase") var dynamicsPhase: DynamicsPhaseOptions
    @OptionGroup(title: "Experiments (off by default)") var experiment: ExperimentOptions
    @OptionGroup(title: "Run control") var runControl: RunControlOptions

    /// Largest trained frame side: training memory grows with the frame area (64x64 peaks
    /// at 2.1 GB, docs/training.md; 4096x4096 would need about 40 GB).
    static let maxTrainedSide = 128

    /// --size as given: nil (the preset's), auto, or an explicit WxH checked against the
    /// architecture's multiple and the training memory limit.
    enum SizeRequest: Equatable { case preset, auto, explicit(width: Int, height: Int) }

    func parsedSize(data: String) throws -> SizeRequest {
        guard let size else { return .preset }
        if size.lowercased() == "auto" {
            guard data != "sim" else { throw ValidationError("--size auto fits a frame directory's aspect; with --data sim give WxH") }
            return .auto
        }
        guard let p = LampArchitecture.parseFrameSize(size), size.lowercased().contains("x") else {
            throw ValidationError("--size must look like WxH (e.g. 64x96) or auto, not '\(size)'")
        }
        guard p.width >= 16, p.height >= 16, p.width % 16 == 0, p.height % 16 == 0 else {
            throw ValidationError("--size \(size): width and height must each be a multiple of 16 and at least 16 "
                                  + "(the generator doubles a base four times), e.g. 64x64 or 64x96")
        }
        guard p.width <= Self.maxTrainedSide, p.height <= Self.maxTrainedSide else {
            throw ValidationError("--size \(size) is outside 16x16...\(Self.maxTrainedSide)x\(Self.maxTrainedSide): training memory grows "
                                  + "with the frame area (64x64 peaks at 2.1 GB)")
        }
        return .explicit(width: p.width, height: p.height)
    }

    func parsedFit(_ fit: String) throws -> FrameFit {
        guard let f = FrameFit(rawValue: fit) else {
            throw ValidationError("--fit must be \(FrameFit.allCases.map(\.rawValue).joined(separator: " or ")), not '\(fit)'")
        }
        return f
    }

    /// The frame size to train: --size, or the checkpoint's when continuing one, or the
    /// footage's aspect (auto), or the preset's.
    func resolveFrameSize(preset name: String, data: String, log: (String) -> Void) throws -> (width: Int, height: Int)? {
        let checkpoint = LampTrainer.checkpointPath(in: out)
        let continuing = resume || exportOnly || checkFrames
        let trained = continuing && fileExists(checkpoint)
            ? (try? Checkpoint.userMetadata(at: checkpoint))?["frame_size"].flatMap(LampArchitecture.parseFrameSize) : nil
        switch try parsedSize(data: data) {
        case .explicit(let w, let h): return (w, h)
        case .preset: return trained
        case .auto:
            if let trained { return trained }
            guard let source = try FrameDirectoryDataset.footageSize(data) else {
                throw ValidationError("--size auto: no PNG frame in \(data) to take the aspect from")
            }
            let base = try TrainingPreset.named(name)
            let picked = FrameFit.sizeForAspect(sourceWidth: source.width, sourceHeight: source.height,
                                                area: base.arch.frameWidth * base.arch.frameHeight,
                                                multiple: max(16, base.arch.sizeMultiple), maxSide: Self.maxTrainedSide)
            log("--size auto: footage is \(source.width)x\(source.height); training at \(picked.width)x\(picked.height)")
            return picked
        }
    }

    func validate() throws {
        try PathOptions.check([("data", data), ("out", out)])
        try PathOptions.directory(out)
        _ = try parsedSize(data: data ?? "sim")
        if let fit { _ = try parsedFit(fit) }
        try OptionRanges.frameSteps.check(frameSteps)
        try OptionRanges.dynamicsSteps.check(dynamicsSteps)
        try OptionRanges.extendFrames.check(runControl.extendFrames)
        try OptionRanges.maxSteps.check(maxSteps)
        try OptionRanges.reconstructionOnlySteps.check(reconstructionOnlySteps)
        try OptionRanges.threads.check(threads)
        try OptionRanges.criticBlur.check(criticBlur)
        try OptionRanges.priorSamples.check(priorSamples)
        try OptionRanges.frameStep.check(frameStep)
        try OptionRanges.sourceFps.check(sourceFps)
        let frameStep = self.frameStep ?? 6, sourceFps = self.sourceFps ?? 30
        let stepSeconds = Double(frameStep) / sourceFps
        if sourceFps > 0, !(0.001...3600).contains(stepSeconds) {
            throw ValidationError("--frame-step \(frameStep) / --source-fps \(sourceFps) = \(stepSeconds) s of lamp time per step, "
                                  + "outside 0.001...3600 s (the model format's step_seconds)")
        }
        try OptionRanges.learningRate.check(learningRate)
        try OptionRanges.dynamicsLearningRate.check(dynamicsLearningRate)
        for (name, value) in [("reconstruction-weight", reconstructionWeight), ("adversarial-weight", adversarialWeight),
                              ("prediction-weight", predictionWeight), ("normality-weight", normalityWeight),
                              ("manifold-weight", manifoldWeight), ("gradient-difference-weight", gradientDifferenceWeight),
                              ("raw-std-weight", rawStdWeight),
                              ("pixel-critic-weight", pixelCriticWeight), ("latent-mmd-weight", latentMmdWeight),
                              ("critic-gradient-penalty", criticGradientPenalty), ("frame-statistics-weight", frameStatisticsWeight),
                              ("neighbour-difference-weight", neighbourDifferenceWeight)] {
            try OptionRanges.lossWeight(name).check(value)
        }
        try OptionRanges.latentNoise.check(latentNoise)
        try OptionRanges.resetProbability.check(resetProbability)
        try OptionRanges.pixelCriticSamples.check(pixelCriticSamples)
        try OptionRanges.pixelCriticBlur.check(pixelCriticBlur)
        try OptionRanges.pixelCriticLag.check(pixelCriticLag)
        try OptionRanges.freeRunShare.check(freeRunShare)
        try OptionRanges.freeRunSteps.check(freeRunSteps)
        try OptionRanges.noiseCorrelation.check(noiseCorrelation)
        if adversarialPriorOnly == true && (priorSamples ?? 0) == 0 {
            throw ValidationError("--adversarial-prior-only judges the frames decoded from fresh latents: give --prior-samples N (N > 0) too")
        }
        _ = try runControl.mode()
        let known = Set(RunSettings.presetSettings.map(\.name) + RunSettings.runOptions)
        for name in overrideNames where !known.contains(name) {
            throw ValidationError("--override \(name): not a recorded setting (expected one of \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// --override values, comma lists split.
    var overrideNames: [String] {
        override.flatMap { $0.split(separator: ",").map { String($0.drop { $0 == " " || $0 == "-" }.reversed().drop { $0 == " " }.reversed()) } }
            .filter { !$0.isEmpty }
    }

    /// Writes every preset value given on the command line into `preset`.
    func applyOptions(to preset: inout TrainingPreset) {
        if let frameSteps { preset.frameSteps = max(0, frameSteps) }
        if let dynamicsSteps { preset.dynamicsSteps = max(0, dynamicsSteps) }
        if let reconstructionWeight { preset.frame.reconstructionWeight = reconstructionWeight }
        if let adversarialWeight { preset.frame.adversarialWeight = adversarialWeight }
        if let predictionWeight { preset.dynamics.predictionWeight = predictionWeight }
        if let normalityWeight { preset.dynamics.momentWeight = normalityWeight }
        if let dynamicsLearningRate {
            preset.dynamics.learningRate = dynamicsLearningRate
            preset.dynamics.criticLearningRate = dynamicsLearningRate
        }
        if let rawStdWeight { preset.dynamics.rawStdWeight = max(0, rawStdWeight) }
        if let manifoldWeight { preset.dynamics.manifoldWeight = max(0, manifoldWeight) }
        if let pixelCriticWeight { preset.dynamics.pixelCriticWeight = max(0, pixelCriticWeight) }
        if let pixelCriticSamples { preset.dynamics.pixelCriticSamples = pixelCriticSamples }
        if let pixelCriticBlur { preset.dynamics.pixelCriticBlurRadius = pixelCriticBlur }
        if pixelCriticDecodedReal { preset.dynamics.pixelCriticAgainstDecodedFootage = true }
        if let pixelCriticLag { preset.dynamics.pixelCriticLag = pixelCriticLag }
        if let freeRunShare { preset.dynamics.freeRunShare = freeRunShare }
        if let freeRunSteps { preset.dynamics.freeRunSteps = freeRunSteps }
        if let noiseCorrelation { preset.dynamics.noiseCorrelation = noiseCorrelation }
        if let resetProbability { preset.dynamics.resetProbability = resetProbability }
        if let priorSamples { preset.frame.priorSamples = max(0, priorSamples) }
        if l1Reconstruction { preset.frame.squaredReconstruction = false }
        if let reconstructionOnlySteps { preset.frame.reconstructionOnlySteps = max(0, reconstructionOnlySteps) }
        if let learningRate { preset.frame.learningRate = learningRate }
        if let latentNoise { preset.frame.latentNoise = max(0, latentNoise) }
        if let criticBlur { preset.frame.criticBlurRadius = max(0, criticBlur) }
        if let gradientDifferenceWeight { preset.frame.gradientDifferenceWeight = gradientDifferenceWeight }
        if let frameStatisticsWeight { preset.frame.frameStatisticsWeight = frameStatisticsWeight }
        if let neighbourDifferenceWeight { preset.frame.neighbourDifferenceWeight = neighbourDifferenceWeight }
        if let latentMmdWeight { preset.frame.latentMMDWeight = latentMmdWeight }
        if let adversarialPriorOnly { preset.frame.adversarialPriorOnly = adversarialPriorOnly }
        if let criticGradientPenalty { preset.frame.criticGradientPenalty = criticGradientPenalty }
        if let criticWithoutBatchNorm { preset.frame.criticBatchNorm = !criticWithoutBatchNorm }
    }

    /// The option a recorded setting's change is named by (--dynamics-learning-rate sets both rates).
    static func optionName(_ setting: String) -> String {
        setting == "dynamics-critic-learning-rate" ? "dynamics-learning-rate" : setting
    }

    /// The run directory's checkpoint is where the command needs it (or not there for a new
    /// run), said before the footage is loaded and before anything is written into --out: a
    /// failing command leaves no run directory, lock file or footage cache behind.
    func checkCheckpointBeforeWork() throws {
        let checkpoint = LampTrainer.checkpointPath(in: out)
        if exportOnly || checkFrames {
            guard fileExists(checkpoint) else {
                throw ValidationError("\(exportOnly ? "--export-only" : "--check-frames"): \(checkpoint) does not exist")
            }
        } else if resume {
            guard fileExists(checkpoint) else { throw ValidationError("--resume: \(checkpoint) does not exist") }
        } else if fileExists(checkpoint) {
            throw ValidationError("\(checkpoint) exists: pass --resume to continue it, or choose another --out")
        }
    }

    func run() throws {
        // A reader of stderr that goes away (`2>&1 | tee log`, then tee exits) must not kill the
        // run: the lines are lost, the training and its checkpoints are not.
        signal(SIGPIPE, SIG_IGN)
        try checkCheckpointBeforeWork()
        let log: (String) -> Void = { printError($0) }
        let checkpointPath = LampTrainer.checkpointPath(in: out)
        let continuing = resume || exportOnly || checkFrames
        // What the run was started with (docs/reliability.md#training-keeps-its-history).
        var checkpointMeta: [String: String] = [:]
        if continuing && fileExists(checkpointPath) {
            do { checkpointMeta = try Checkpoint.userMetadata(at: checkpointPath) } catch { throw ValidationError("\(error)") }
        }
        let recorded = RunSettings.recorded(in: checkpointMeta)
        if continuing && fileExists(checkpointPath) && recorded.isEmpty {
            log("note: \(checkpointPath) records no settings (written by an older trainer): options are taken as given")
        }
        // Run options: as given, else as recorded, else the defaults.
        let given: [String: String?] = ["preset": self.preset, "data": self.data, "palette": self.palette, "seed": self.seed.map { "\($0)" },
                                        "frame-step": self.frameStep.map { "\($0)" }, "source-fps": self.sourceFps.map { "\($0)" },
                                        "fit": self.fit]
        let defaults = ["preset": checkpointMeta["preset"] ?? "default", "data": "sim", "palette": "classic", "seed": "1",
                        "frame-step": "6", "source-fps": "30.0", "fit": "crop"]
        var runOptions: [String: String] = [:]
        for name in RunSettings.runOptions {
            runOptions[name] = (given[name] ?? nil) ?? recorded[name] ?? defaults[name]!
        }
        let presetName = runOptions["preset"]!, data = runOptions["data"]!, palette = runOptions["palette"]!
        guard let seed = UInt64(runOptions["seed"]!), let frameStep = Int(runOptions["frame-step"]!), frameStep >= 1,
              let sourceFps = Double(runOptions["source-fps"]!), sourceFps > 0 else {
            throw ValidationError("\(checkpointPath): a recorded seed, frame-step or source-fps is not a valid value")
        }
        let fit = try parsedFit(runOptions["fit"]!)

        let frameSize: (width: Int, height: Int)?
        do { frameSize = try resolveFrameSize(preset: presetName, data: data, log: log) } catch let e as ValidationError { throw e } catch {
            throw ValidationError("\(error)")
        }
        var preset: TrainingPreset
        do {
            preset = try TrainingPreset.named(presetName, frameSize: frameSize)
            try RunSettings.apply(recorded, to: &preset, source: checkpointPath)
        } catch { throw ValidationError("\(error)") }
        let before = RunSettings.values(of: preset)
        applyOptions(to: &preset)
        if let threads { Compute.threads = max(1, threads) }

        // A resumed run keeps its settings: a changed one needs --override (or a phase that restarts).
        var overrideNotes: [String] = []
        if !recorded.isEmpty {
            var changes: [(name: String, from: String, to: String)] = []
            for (name, value) in RunSettings.values(of: preset).sorted(by: { $0.key < $1.key }) where before[name] != value {
                changes.append((name, before[name] ?? "?", value))
            }
            for name in RunSettings.runOptions {
                if let old = recorded[name], let now = runOptions[name], old != now { changes.append((name, old, now)) }
            }
            let free = RunSettings.freelyChangeable(restartDynamics: restartDynamics, extendFrames: extendFrames != nil)
            let allowed = Set(overrideNames)
            let refused = changes.filter { !free.contains($0.name) && !allowed.contains(Self.optionName($0.name)) }
            if !refused.isEmpty {
                let list = refused.map { "--\(Self.optionName($0.name)) \($0.to) (the run has \($0.from))" }.joined(separator: ", ")
                let names = Array(Set(refused.map { Self.optionName($0.name) })).sorted().joined(separator: ",")
                throw ValidationError("--resume: \(list) would change a setting \(out) was started with (\(checkpointPath)); "
                                      + "leave the option out to keep the run's, or pass --override \(names) to change it")
            }
            overrideNotes = changes.map { "\(Self.optionName($0.name)) \($0.from) -> \($0.to)" }
        }

        guard let pal = LampPalette.named(palette) else {
            throw ValidationError("unknown --palette \(palette) (expected \(LampPalette.all.map(\.name).joined(separator: ", ")))")
        }
        let w = preset.arch.frameWidth, h = preset.arch.frameHeight
        let footage: LampSequences
        if data == "sim" {
            log("simulating \(preset.sequences) lamp runs of \(preset.sequenceLength) steps (\(w)x\(h), \(preset.stepSeconds) s per step)...")
            footage = LampSequences.simulated(count: preset.sequences, length: preset.sequenceLength, width: w, height: h,
                                              stepSeconds: preset.stepSeconds, palette: pal, seed: 1000 + seed)
        } else {
            guard isDirectory(data) else { throw ValidationError("--data \(data): not sim and not a directory of PNG frames") }
            // The footage's frame cache is kept in the run folder (docs/reliability.md#frame-directories).
            do { try makeDirectories(out) } catch { throw ValidationError("\(error.path): cannot create the run directory (\(error.message))") }
            log("lamp time per step: --frame-step \(frameStep) / --source-fps \(NumberFormat.compact(sourceFps)) = "
                + "\(NumberFormat.compact(Double(frameStep) / sourceFps)) s (the model's step_seconds)")
            let hint = "to keep whole frames use --fit letterbox" + (try parsedSize(data: data) == .auto ? "" : ", or --size auto (a training size with the footage's aspect)")
            footage = try LampSequences.frameDirectory(data, width: w, height: h, fit: fit, cropHint: hint, frameStep: frameStep, cacheDirectory: out,
                                                       sequenceLength: preset.sequenceLength,
                                                       stepSeconds: Double(frameStep) / sourceFps, log: log)
        }
        // The signal's number is kept: a stopped run exits 128 + it after saving (130 for
        // SIGINT, 143 for SIGTERM, 129 for SIGHUP), so `train && quantize` stops there.
        signal(SIGINT) { trainingStopRequested = $0 }
        signal(SIGTERM) { trainingStopRequested = $0 }
        // A closed terminal or ssh session (SIGHUP) saves like Ctrl-C instead of losing the run.
        signal(SIGHUP) { trainingStopRequested = $0 }
        let trainer = try LampTrainer(preset: preset, data: footage, directory: out, seed: seed, log: log)
        trainer.runOptions = runOptions
        trainer.overrides = (checkpointMeta[RunSettings.overridesKey].map { [$0] } ?? [])
        let lock = try RunDirectoryLock(directory: out)
        // A command that fails from here on removes the lock file if it made it (no stray lock).
        var finished = false
        defer {
            if !finished { lock.removeIfCreated() }
            withExtendedLifetime(lock) {}
        }
        for name in lock.removeStaleTemporaryFiles(in: out) { log("removed \(out)/\(name), left by an interrupted duralava") }
        if data == "sim" {
            // Unseen simulator runs for the frame model check (seeds far from the training ones).
            trainer.heldOutFootage = LampSequences.simulated(count: 16, length: preset.sequenceLength, width: w, height: h,
                                                             stepSeconds: preset.stepSeconds, palette: pal, seed: 900_000 + seed)
            // Spaced frames for the prior-sample check: 64 unseen runs of 400 steps give 600
            // frames per real set 4 lamp-seconds apart; simulated when the check runs.
            trainer.priorCheckFootage = {
                LampSequences.simulated(count: 64, length: 400, width: w, height: h, stepSeconds: preset.stepSeconds,
                                        palette: pal, seed: 950_000 + seed)
            }
        }
        if exportOnly || checkFrames {
            try trainer.resume()
            if checkFrames {
                try trainer.checkFrameModel()
            } else {
                // A setting changed for the export alone (e.g. the lamp's noise correlation) is
                // in the model's provenance; the checkpoint is not rewritten.
                trainer.recordOverrides(overrideNotes)
                try trainer.export()
                print("exported step \(trainer.step): \(trainer.modelPath)")
            }
            finished = true
            return
        }
        if resume {
            try trainer.resume()
            if (restartDynamics || extendFrames != nil) && trainer.step < preset.frameSteps {
                throw ValidationError("\(restartDynamics ? "--restart-dynamics" : "--extend-frames"): \(trainer.checkpointPath) is at step "
                                      + "\(trainer.step), still in phase 1 (\(preset.frameSteps) frame steps): resume without it to finish phase 1 first")
            }
            trainer.recordOverrides(overrideNotes)
            if let extendFrames {
                trainer.extendFramePhase(by: max(1, extendFrames), dynamics: preset.dynamics)
            } else if restartDynamics {
                trainer.restartDynamics(settings: preset.dynamics)
            }
        }
        let done = try trainer.run(stopAfter: maxSteps ?? Int.max)
        finished = true
        if done {
            print("trained: \(trainer.modelPath)")
            // The guards count interventions, not motion: a lamp can stand still without one.
            let motion = try trainer.motionProblems()
            log(motion.summary + " (3,000 steps of the exported lamp)")
            for p in motion.problems { log("warning: \(trainer.modelPath): \(p); see docs/training.md before using it") }
        } else if trainer.stoppedBySignal {
            print("stopped at step \(trainer.step)/\(trainer.totalSteps); checkpoint: \(trainer.checkpointPath); no model was written "
                  + "(write one with --export-only); continue with: duralava-train train --resume --out \(out)")
            throw ExitCode(128 + (trainingStopRequested > 0 ? trainingStopRequested : SIGINT))
        } else {
            print("paused at step \(trainer.step)/\(trainer.totalSteps); model so far: \(trainer.modelPath); continue with: duralava-train train --resume --out \(out)")
        }
    }
}

// The grouped options under their own names.
extension Train {
    var data: String? { footage.data }
    var size: String? { footage.size }
    var fit: String? { footage.fit }
    var palette: String? { footage.palette }
    var frameStep: Int? { footage.frameStep }
    var sourceFps: Double? { footage.sourceFps }
    var frameSteps: Int? { framePhase.frameSteps }
    var learningRate: Float? { framePhase.learningRate }
    var reconstructionWeight: Float? { framePhase.reconstructionWeight }
    var adversarialWeight: Float? { framePhase.adversarialWeight }
    var l1Reconstruction: Bool { framePhase.l1Reconstruction }
    var reconstructionOnlySteps: Int? { framePhase.reconstructionOnlySteps }
    var criticBlur: Int? { framePhase.criticBlur }
    var latentNoise: Float? { framePhase.latentNoise }
    var priorSamples: Int? { framePhase.priorSamples }
    var dynamicsSteps: Int? { dynamicsPhase.dynamicsSteps }
    var dynamicsLearningRate: Float? { dynamicsPhase.dynamicsLearningRate }
    var predictionWeight: Float? { dynamicsPhase.predictionWeight }
    var normalityWeight: Float? { dynamicsPhase.normalityWeight }
    var resetProbability: Float? { dynamicsPhase.resetProbability }
    var manifoldWeight: Float? { dynamicsPhase.manifoldWeight }
    var rawStdWeight: Float? { dynamicsPhase.rawStdWeight }
    var pixelCriticWeight: Float? { experiment.pixelCriticWeight }
    var pixelCriticSamples: Int? { experiment.pixelCriticSamples }
    var pixelCriticBlur: Int? { experiment.pixelCriticBlur }
    var pixelCriticLag: Int? { experiment.pixelCriticLag }
    var pixelCriticDecodedReal: Bool { experiment.pixelCriticDecodedReal }
    var freeRunShare: Float? { experiment.freeRunShare }
    var freeRunSteps: Int? { experiment.freeRunSteps }
    var noiseCorrelation: Float? { experiment.noiseCorrelation }
    var gradientDifferenceWeight: Float? { experiment.gradientDifferenceWeight }
    var frameStatisticsWeight: Float? { experiment.frameStatisticsWeight }
    var neighbourDifferenceWeight: Float? { experiment.neighbourDifferenceWeight }
    var latentMmdWeight: Float? { experiment.latentMmdWeight }
    var adversarialPriorOnly: Bool? { experiment.adversarialPriorOnly }
    var criticGradientPenalty: Float? { experiment.criticGradientPenalty }
    var criticWithoutBatchNorm: Bool? { experiment.criticWithoutBatchNorm }
    var out: String { runControl.out }
    var preset: String? { runControl.preset }
    var seed: UInt64? { runControl.seed }
    var threads: Int? { runControl.threads }
    var maxSteps: Int? { runControl.maxSteps }
    var override: [String] { runControl.override }
    /// What this invocation does with the run directory (validated in `validate`).
    var mode: RunMode { (try? runControl.mode()) ?? .new }
    /// Continues the checkpoint's training (resume, restart-dynamics, extend-frames).
    var resume: Bool { mode == .resume || mode == .restartDynamics || mode == .extendFrames }
    var restartDynamics: Bool { mode == .restartDynamics }
    var extendFrames: Int? { mode == .extendFrames ? runControl.extendFrames : nil }
    var checkFrames: Bool { mode == .checkFrames }
    var exportOnly: Bool { mode == .exportOnly }
}

/// What `train` does with its run directory: one `--mode`, or the older flags that say the same
/// (--resume, --restart-dynamics, --extend-frames N, --check-frames, --export-only; the docs,
/// the Makefile and the tests use them, so they stay).
enum RunMode: String, CaseIterable, ExpressibleByArgument {
    /// A fresh run (the directory holds no checkpoint).
    case new
    /// Continue the checkpoint with the settings it records.
    case resume
    /// Phase 2 again from fresh networks on the checkpoint's trained frame model.
    case restartDynamics = "restart-dynamics"
    /// Back to the end of phase 1: --extend-frames N more frame steps, then phase 2 from fresh networks.
    case extendFrames = "extend-frames"
    /// Only the frame model check of the checkpoint.
    case checkFrames = "check-frames"
    /// Only model.safetensors from the checkpoint.
    case exportOnly = "export-only"

    /// The flag that asks for this mode.
    var flag: String { self == .new ? "--mode new" : "--" + rawValue }
}

extension RunControlOptions {
    /// The run mode of --mode and the flags. A flag that continues a run needs --resume unless
    /// --mode names it; when flags and --mode both say something, they must agree. The flags'
    /// old precedence stays: --check-frames over --export-only over --extend-frames over
    /// --restart-dynamics over --resume.
    func mode() throws -> RunMode {
        let continuesTraining: Set<RunMode> = [.resume, .restartDynamics, .extendFrames]
        if !resume && !(runMode.map(continuesTraining.contains) ?? false) {
            if restartDynamics { throw ValidationError("--restart-dynamics continues a run's checkpoint: add --resume") }
            if extendFrames != nil { throw ValidationError("--extend-frames continues a run's checkpoint: add --resume") }
            if !override.isEmpty { throw ValidationError("--override changes a recorded setting of a resumed run: add --resume") }
        }
        let flagged: RunMode? = checkFrames ? .checkFrames : exportOnly ? .exportOnly : extendFrames != nil ? .extendFrames
            : restartDynamics ? .restartDynamics : resume ? .resume : nil
        guard let runMode else { return flagged ?? .new }
        if let flagged, flagged != runMode, !(flagged == .resume && runMode != .new) {
            throw ValidationError("--mode \(runMode.rawValue) and \(flagged.flag) ask for different things: give one of them")
        }
        if runMode == .extendFrames && extendFrames == nil {
            throw ValidationError("--mode extend-frames needs --extend-frames N, the frame steps to add")
        }
        return runMode
    }
}

/// `train` options: footage. The training data: the simulator or a directory of PNG frames, and the frame size.
struct FootageOptions: ParsableArguments {
    @Option(name: .long, help: "Training data: sim (the built-in lava lamp simulator, the default) or a directory of PNG frames. With --resume: the run's.")
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Frame size WxH, each side a multiple of 16 (e.g. 64x96 for a tall lamp), or auto: "
                                            + "the size with the footage's aspect nearest the preset's pixel count. Default: the preset's (or, "
                                            + "with --resume, the checkpoint's).", valueName: "WxH|auto"))
    var size: String?

    @Option(name: .long, help: ArgumentHelp("For a frame directory whose aspect differs from --size: crop (centre-crop, the lamp fills "
                                            + "the frame) or letterbox (the whole frame, with black bars). The trainer says what it did.",
                                            valueName: "crop|letterbox"))
    var fit: String?

    @Option(name: .long, help: "Simulator palette (classic, the default; ocean, violet, lime). With --resume: the run's.")
    var palette: String?

    @Option(name: .long, help: "For a frame directory: use every k-th frame as one model step (default 6: at 30 fps, 0.2 s). With --resume: the run's.")
    var frameStep: Int?

    @Option(name: .long, help: "For a frame directory: frames per second of the footage (default 30; lamp time per step = frame-step / source-fps). With --resume: the run's.")
    var sourceFps: Double?
}

/// `train` options: frame phase. Phase 1: the encoder, generator and per-frame critic (docs/training.md).
struct FramePhaseOptions: ParsableArguments {
    @Option(name: .long, help: "Override the preset's phase 1 (frame) step count.")
    var frameSteps: Int?

    @Option(name: .long, help: "Override the frame phase's learning rate (encoder and generator).")
    var learningRate: Float?

    @Option(name: .long, help: "Override the frame phase's reconstruction weight.")
    var reconstructionWeight: Float?

    @Option(name: .long, help: "Override the frame phase's adversarial weight.")
    var adversarialWeight: Float?

    @Flag(name: .long, help: "Reconstruct with L1 instead of mean squared error (use a smaller --reconstruction-weight, e.g. 50).")
    var l1Reconstruction = false

    @Option(name: .long, help: "Override the frame phase's reconstruction-only steps at the start (critic off).")
    var reconstructionOnlySteps: Int?

    @Option(name: .long, help: "Override the frame phase's blur radius in front of the critic (0: none).")
    var criticBlur: Int?

    @Option(name: .long, help: "Override the frame phase's latent noise (std added to the codes before renormalization).")
    var latentNoise: Float?

    @Option(name: .long, help: "Override the number of fresh N(0,1) latents decoded per frame batch.")
    var priorSamples: Int?
}

/// `train` options: dynamics phase. Phase 2: the latent RNN and the transition critic (docs/training.md).
struct DynamicsPhaseOptions: ParsableArguments {
    @Option(name: .long, help: "Override the preset's phase 2 (dynamics) step count.")
    var dynamicsSteps: Int?

    @Option(name: .long, help: "Override the dynamics phase's learning rate (RNN and transition critic).")
    var dynamicsLearningRate: Float?

    @Option(name: .long, help: "Override the dynamics phase's one-step prediction weight.")
    var predictionWeight: Float?

    @Option(name: .long, help: "Override the dynamics phase's normality (moment) penalty weight on the raw RNN output.")
    var normalityWeight: Float?

    @Option(name: .long, help: "Override the dynamics phase's probability of restarting a carried latent from the data at each batch.")
    var resetProbability: Float?

    @Option(name: .long, help: "Override the dynamics phase's manifold pull weight (rollout latents towards encode(generate(z))).")
    var manifoldWeight: Float?

    @Option(name: .long, help: "Override the dynamics phase's weight of (std - 1)^2 of the raw RNN output.")
    var rawStdWeight: Float?
}

/// `train` options: experiments (off by default). Penalties and critics tried on the way to the shipped recipe, kept for comparison (docs/training.md).
/// The denoising dynamics (--denoising-weight, -noise, -horizon) have left the command: docs/training.md found that
/// they do not denoise. Their settings stay in DynamicsPhase.Settings and in RunSettings, so a checkpoint that
/// records them still resumes with them.
struct ExperimentOptions: ParsableArguments {
    @Option(name: .long, help: "Pixel critic: weight of a per-frame critic on rollout latents decoded by the frozen generator, against real frames, back-propagated into the RNN (0: off, the default).")
    var pixelCriticWeight: Float?

    @Option(name: .long, help: "Pixel critic: rollout latents decoded per dynamics step (default 16).")
    var pixelCriticSamples: Int?

    @Option(name: .long, help: "Pixel critic: blur radius in front of it (0: none, the default).")
    var pixelCriticBlur: Int?

    @Option(name: .long, help: "Pixel critic: judge pairs of frames this many steps apart, rollout against footage (0: single frames, the default; below the unroll horizon, 16).")
    var pixelCriticLag: Int?

    @Flag(name: .long, help: "Pixel critic: judge against footage latents decoded by the same generator (reconstructions) instead of the footage's frames.")
    var pixelCriticDecodedReal = false

    @Option(name: .long, help: "Free-run starts: share of each dynamics batch started from latents the RNN reached by itself after --free-run-steps to 10x as many free steps (0: off, the default).")
    var freeRunShare: Float?

    @Option(name: .long, help: "Free-run starts: free steps before a pool latent is used (default 1000).")
    var freeRunSteps: Int?

    @Option(name: .long, help: "Lag-1 correlation of the RNN's noise from step to step, in training and in the exported lamp (the default preset: 0.9, a direction of motion that persists for about 10 steps; 0: fresh noise every step).")
    var noiseCorrelation: Float?

    @Option(name: .long, help: "Frame phase: weight of the gradient difference loss (L1 between neighbouring-pixel differences of reconstruction and frame; flattens the decoder's grain; 0: off, the default).")
    var gradientDifferenceWeight: Float?

    @Option(name: .long, help: "Frame phase: weight of the frame statistics loss (total variation between the soft colour and sharpness histograms of the decoded frames and of the batch's real frames; 0: off, the default).")
    var frameStatisticsWeight: Float?

    @Option(name: .long, help: "Frame phase: weight of the 8-bit neighbour-difference loss (the expected histogram of rounded neighbour differences, 0-4+ levels, in the dark background and in the wax, against the footage's; 0: off, the default).")
    var neighbourDifferenceWeight: Float?

    @Option(name: .long, help: "Frame phase: weight of the maximum mean discrepancy between the codes and random points of the latent sphere (WAE-MMD; the default preset: 10; 0: off).")
    var latentMmdWeight: Float?

    @Flag(name: .long, inversion: .prefixedNo, help: "Frame phase: the critic judges only the frames decoded from fresh latents (--prior-samples), not the reconstructions (the default preset does; --no-adversarial-prior-only judges both).")
    var adversarialPriorOnly: Bool?

    @Option(name: .long, help: "Frame phase: weight γ of the R1 gradient penalty on the critic, (γ/2)·|∇D(real)|², every 4th critic update (the default preset: 1; 0: off).")
    var criticGradientPenalty: Float?

    @Flag(name: .long, inversion: .prefixedNo, help: "Frame phase: a critic without BatchNorm (each frame judged on its own; for --critic-gradient-penalty; the default preset's; --no-critic-without-batch-norm gives it BatchNorm).")
    var criticWithoutBatchNorm: Bool?
}

/// `train` options: run control. The run directory, the preset, the seed, threads, and continuing, exporting or checking a run.
struct RunControlOptions: ParsableArguments {
    @Option(name: .long, help: "Run directory.")
    var out: String

    @Option(name: .long, help: "Preset: default (64x64 reference lamp, the default) or tiny (16x16, seconds). With --resume: the run's.")
    var preset: String?

    @Option(name: .long, help: "Seed of the weights, the data order and the simulator runs (default 1; with --resume: the run's).")
    var seed: UInt64?

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Stop (with a checkpoint) after this many steps in this invocation.")
    var maxSteps: Int?

    @Option(name: .customLong("mode"), help: ArgumentHelp(
        "What to do with the run directory (default: new, a fresh run); extend-frames takes --extend-frames N. "
        + "The flags below say the same.", valueName: "mode"))
    var runMode: RunMode?

    @Flag(name: .long, help: "Continue from the run directory's checkpoint, with every setting the run was started with (an option given again must agree, unless --override names it). = --mode resume.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("With --resume: let this recorded setting change (an option name without dashes, e.g. learning-rate; repeatable or comma-separated). The change is logged in metrics.csv and the model's provenance.", valueName: "name"))
    var override: [String] = []

    @Flag(name: .long, help: "With --resume: train phase 2 (dynamics) again from fresh networks on the trained frame model. = --mode restart-dynamics.")
    var restartDynamics = false

    @Option(name: .long, help: "With --resume (or --mode extend-frames): go back to the end of phase 1, train the frame model this many more steps, then phase 2 from fresh networks.")
    var extendFrames: Int?

    @Flag(name: .long, help: "Only run the frame model check (reconstructions vs real frames, a classifier test) on the run directory's checkpoint; phase 1 runs it at its end. = --mode check-frames.")
    var checkFrames = false

    @Flag(name: .long, help: "Only write model.safetensors from the run directory's checkpoint (no training). = --mode export-only.")
    var exportOnly = false
}
