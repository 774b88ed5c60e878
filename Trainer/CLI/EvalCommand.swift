import DuralavaNN
import ArgumentParser
import CLIOptions
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `duralava-train eval`: the report card of a model (docs/report-card.md).
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Write a model's report card: realism, motion and endurance against held-out real frames.",
        discussion: """
            Generates frames through the runtime's own latent loop and compares them with real frames \
            one model step apart (the simulator with a held-out seed, or a PNG frame directory): a \
            classifier two-sample test and colour histogram distance (realism), per-step frame change \
            and blob speed (motion), and --steps RNN steps in windows (raw latent moments, stalls, \
            cycles, guards, and realism and motion of frames rendered at the end of each window). \
            Writes OUT/report.json, OUT/report.md, three SVG plots and a PNG strip of frames; progress \
            goes to stderr, the targets to stdout. See docs/report-card.md.
            """)

    @Option(name: .long, help: "The model file (.safetensors).")
    var model: String

    @Option(name: .long, help: "Reference data: sim (the simulator, held-out seed) or a directory of PNG frames.")
    var data: String = "sim"

    @Option(name: .long, help: "Output directory (created if missing).")
    var out: String = "report"

    @Option(name: .long, help: "Endurance: RNN steps to run, every one of them.")
    var steps: Int = EnduranceSettings().steps

    @Option(name: .long, help: "Endurance windows the steps are cut into.")
    var windows: Int = EnduranceSettings().windows

    @Option(name: .long, help: "Frames rendered at the end of every endurance window (0: none).")
    var windowFrames: Int = EnduranceSettings().renderedFrames

    @Option(name: .long, help: "Generated frames for realism and motion; each of the two real sets gets as many.")
    var frames: Int = ReportCardOptions(modelPath: "").frames

    @Option(name: .long, help: "Seed of the lamp's latent loop (the classifiers' seeds derive from it).")
    var seed: UInt64 = ReportCardOptions(modelPath: "").seed

    @Option(name: .long, help: "Simulator seed of the reference frames (default: one the model was not trained on).")
    var simSeed: UInt64?

    @Option(name: .long, help: "Classifier updates for the main two-sample tests.")
    var classifierSteps: Int = ClassifierSettings().steps

    @Option(name: .long, help: "Classifier updates for each endurance window's test.")
    var windowClassifierSteps: Int = ReportCardOptions(modelPath: "").windowClassifierSteps

    @Option(name: .long, help: "Classifier split: steps per contiguous chunk (every 5th chunk is held out).")
    var chunk: Int = ClassifierSettings().chunk

    @Option(name: .long, help: "Classifier split: steps trimmed where a held-out chunk borders training frames.")
    var gap: Int = ClassifierSettings().gap

    @Option(name: .long, help: "Measure the raw RNN output (before renormalization) every N steps.")
    var rawEvery: Int = EnduranceSettings().rawEvery

    @Option(name: .long, help: "Worker threads for the classifier (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "The sphere: frames decoded from random renormalized N(0, I) latents, tested against as many real frames 4 lamp-seconds apart (0: skip).")
    var priorSamples: Int = ReportCardOptions(modelPath: "").priorSampleFrames

    @Option(name: .long, help: "Mixing: steps of each of two lamp runs from different seeds, tested against each other beside two stretches of footage as long (0: skip).")
    var mixingFrames: Int = ReportCardOptions(modelPath: "").mixingFrames

    @Option(name: .long, help: "Steps of the lamp beside as many footage frames in clip.png, an animated PNG at lamp speed (0: no clip; at most the --frames of each).")
    var clipSteps: Int = ReportCardOptions(modelPath: "").clipSteps

    @Flag(name: .long, help: "Exit with status 1 when any target is missed.")
    var strict = false

    func validate() throws {
        try PathOptions.check([("model", model), ("data", data), ("out", out)])
        try PathOptions.directory(out)
        try OptionRanges.evalSteps.check(steps)
        try OptionRanges.windows.capped(at: steps).check(windows)
        try OptionRanges.windowFrames.check(windowFrames)
        try OptionRanges.evalFrames.check(frames)
        try OptionRanges.classifierSteps.check(classifierSteps)
        try OptionRanges.windowClassifierSteps.check(windowClassifierSteps)
        try OptionRanges.chunk.check(chunk)
        try OptionRanges.gap.check(gap)
        try OptionRanges.rawEvery.capped(at: steps).check(rawEvery)
        try OptionRanges.evalPriorSamples.check(priorSamples)
        if priorSamples > 0 && priorSamples < 20 { throw ValidationError("--prior-samples must be 0 (skip) or at least 20, not \(priorSamples)") }
        try OptionRanges.mixingFrames.check(mixingFrames)
        if mixingFrames > 0 && mixingFrames < 20 { throw ValidationError("--mixing-frames must be 0 (skip) or at least 20, not \(mixingFrames)") }
        try OptionRanges.clipSteps.check(clipSteps)
        try OptionRanges.threads.check(threads)
    }

    func run() throws {
        let log: (String) -> Void = { printError($0) }
        PathOptions.prepareOutput(in: out)
        if let threads { Compute.threads = threads }
        guard fileExists(model) else { throw ValidationError("\(model): no such model file") }
        var options = ReportCardOptions(modelPath: model)
        options.data = DataSource(argument: data)
        if case .directory(let path) = options.data, !isDirectory(path) {
            throw ValidationError("--data \(path): not a directory of PNG frames (or 'sim' for the simulator)")
        }
        options.frames = frames
        options.seed = seed
        options.simulatorSeed = simSeed
        options.endurance.steps = steps
        options.endurance.windows = windows
        options.endurance.renderedFrames = windowFrames
        options.endurance.rawEvery = rawEvery
        options.classifier.steps = classifierSteps
        options.classifier.chunk = chunk
        options.classifier.gap = gap
        options.windowClassifierSteps = windowClassifierSteps
        options.priorSampleFrames = priorSamples
        options.mixingFrames = mixingFrames
        options.clipSteps = clipSteps

        let started = monotonicSeconds()
        let card: ReportCard
        do { card = try ReportCard.evaluate(options, progress: log) }
        catch let e as MeasureError { log("error: \(e)"); throw ExitCode(2) }
        let files: [String]
        do { files = try card.write(to: out) }
        catch let e as MeasureError { log("error: \(e)"); throw ExitCode(2) }
        log("report card written in \(NumberFormat.duration(monotonicSeconds() - started)): " + files.joined(separator: ", "))

        for t in card.targets {
            print("\(t.passed ? "pass" : "FAIL")  \(t.name): \(t.measured) (limit \(t.limit))")
        }
        let passed = card.targets.filter(\.passed).count
        print("\(passed)/\(card.targets.count) targets met; report: \(files.first { $0.hasSuffix("report.md") } ?? out)")
        if strict && passed < card.targets.count { throw ExitCode(1) }
    }
}
