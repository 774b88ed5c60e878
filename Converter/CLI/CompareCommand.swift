import ArgumentParser
import CLIOptions
import DuralavaConverter
import DuralavaMeasure
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-convert compare`: the drift report of an int8 model against its float source.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drift report: int8 vs float on the same latents, by brightness, one RNN step, paired rollouts, each lamp's endurance, and the classifier two-sample test.")

    @Option(name: .customLong("float"), help: "The float model.")
    var floatModel: String

    @Option(name: .customLong("int8"), help: "The int8 model quantized from it.")
    var int8Model: String

    @Option(name: .long, help: "Output directory (drift.md, drift.json, distance.svg, brightness.svg, strip.png).")
    var out: String

    @Option(name: .long, help: "Latents compared frame by frame.")
    var latents = 1000

    @Option(name: .long, help: "Paired rollouts, and their length in steps.")
    var rollouts = 16
    @Option(name: .long, help: "Steps of each paired rollout.")
    var rolloutSteps = 2000

    @Option(name: .long, help: "Endurance steps of each lamp (0: skip).")
    var steps = 1_000_000

    @Option(name: .long, help: "Endurance windows (frames are rendered at the end of each).")
    var windows = 20

    @Option(name: .long, help: "Frames of each lamp for the classifier two-sample test, int8 vs float (0: skip; about 45 s at 2,000).")
    var twoSampleFrames = 2000

    @Option(name: .long, help: "Seed of latents, noise and rollouts.")
    var seed: UInt64 = 1

    func validate() throws {
        try PathOptions.check([("float", floatModel), ("int8", int8Model), ("out", out)])
        do throws(FileError) { try OutputCheck.outputDirectory(out) } catch { throw ValidationError(error.description) }
        try OptionRanges.latents.check(latents)
        try OptionRanges.rollouts.check(rollouts)
        try OptionRanges.rolloutSteps.check(rolloutSteps)
        try OptionRanges.enduranceSteps.check(steps)
        try OptionRanges.driftWindows.check(windows)
        try OptionRanges.driftTwoSampleFrames.check(twoSampleFrames)
        guard twoSampleFrames == 0 || OptionRanges.twoSampleFrames.range.contains(twoSampleFrames) else {
            throw ValidationError("--two-sample-frames \(twoSampleFrames): 0 (skip) or at least \(OptionRanges.twoSampleFrames.range.lowerBound) (\(OptionRanges.twoSampleFrames.why))")
        }
        guard steps == 0 || steps >= windows else { throw ValidationError("--steps \(steps): 0 (skip) or at least --windows \(windows)") }
    }

    func run() throws {
        // A killed earlier report's temporaries are swept; this one's go on a signal.
        if isDirectory(out) { _ = sweepStaleTemporaries(in: out) }
        removeTemporariesOnSignals()
        let float: LampModel, int8: LampModel
        do { float = try LampModel(path: floatModel); int8 = try LampModel(path: int8Model) } catch { DuralavaConvert.fail("\(error)") }
        var s = DriftReport.Settings()
        s.latents = latents; s.rollouts = rollouts; s.rolloutSteps = rolloutSteps; s.seed = seed
        s.endurance.steps = steps; s.endurance.windows = windows
        if twoSampleFrames == 0 { s.twoSample = nil } else { s.twoSample?.frames = twoSampleFrames; s.twoSample?.seed = seed }
        s.endurance.renderedFrames = Swift.min(s.endurance.renderedFrames, Swift.max(steps / Swift.max(windows, 1), 1))
        let report: DriftReport
        do {
            report = try DriftReport.measure(float: float, int8: int8, settings: s) { printError("\($0)") }
            try report.write(to: out)
        } catch { DuralavaConvert.fail("\(error)") }
        for (name, v, target, ok) in report.targets { print("\(ok ? "pass" : "FAIL")  \(name): \(v) (target \(target))") }
        print("one step RMS latent error: median \(NumberFormat.significant(report.oneStep.median, 3)); paired rollouts (median pair) part: \(report.partingMedianText)")
        print("wrote \(out)/drift.md, drift.json, distance.svg, brightness.svg, strip.png")
    }
}
