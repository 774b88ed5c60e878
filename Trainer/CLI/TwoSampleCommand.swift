import ArgumentParser
import CLIOptions
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-train two-sample`: can the report card's classifier tell one lamp's frames from
/// another's? The test is `LampTwoSample`; for an int8 lamp against its float source the drift
/// report (`duralava-convert compare`) runs it too.
struct TwoSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "two-sample",
        abstract: "Classifier two-sample test between the frames of two lamps (e.g. int8 vs float); 0.5 = indistinguishable.",
        discussion: """
            Each lamp renders --frames frames, rounded to 8 bits as the screen shows them, in --segments runs of the runtime's own loop, run k from seed + k \
            after --burn-in steps, so each set covers many of the lamp's states rather than one trajectory. A \
            fresh classifier (the report card's, docs/report-card.md) is trained on contiguous chunks of both \
            sets and scored on held-out chunks. Three tests: paired (the same seeds for both lamps: only what \
            differs between the two networks can be learned), unpaired (the second lamp from other seeds), and \
            the floor (the second lamp against itself from other seeds: what telling two sets of runs apart \
            costs with no difference in the lamp at all).
            """)

    @Option(name: .customLong("model-a"), help: "First lamp (e.g. the int8 model).")
    var modelA: String

    @Option(name: .customLong("model-b"), help: "Second lamp (e.g. its float source).")
    var modelB: String

    @Option(name: .long, help: "Frames rendered per lamp.")
    var frames = 2000

    @Option(name: .long, help: "Runs each set's frames are split into (each from its own seed).")
    var segments = 40

    @Option(name: .long, help: "Loop steps before the first rendered frame of each run.")
    var burnIn = 100

    @Option(name: .long, help: "Seed of both lamps (the floor uses seed + 1).")
    var seed: UInt64 = 1

    func validate() throws {
        try PathOptions.check([("model-a", modelA), ("model-b", modelB)])
        // This message's wording is older than the table's ("must be in"; tests pin it).
        let r = OptionRanges.twoSampleFrames
        guard r.range.contains(frames) else { throw ValidationError("--frames must be in \(r.range.lowerBound)...\(r.range.upperBound) (\(r.why))") }
        try OptionRanges.segments.check(segments)
        guard frames / segments >= 2 else { throw ValidationError("--segments \(segments): each run needs at least 2 of the --frames \(frames)") }
        try OptionRanges.burnIn.check(burnIn)
    }

    func run() throws {
        let a: LampModel, b: LampModel
        func fail(_ message: String) -> ExitCode {
            printError("duralava-train: error: \(message)")
            return ExitCode(1)
        }
        do { a = try LampModel(path: modelA); b = try LampModel(path: modelB) } catch { throw fail("\(error)") }
        guard a.config.frameWidth == b.config.frameWidth, a.config.frameHeight == b.config.frameHeight else {
            throw fail("\(modelB): frames \(b.config.frameWidth)x\(b.config.frameHeight) differ from \(modelA)'s")
        }
        var settings = LampTwoSample.Settings()
        settings.frames = frames; settings.segments = segments; settings.burnIn = burnIn; settings.seed = seed
        let test = LampTwoSample(a, b, settings: settings) { printError($0) }
        func line(_ name: String, _ r: TwoSampleResult) {
            print("\(name): accuracy \(NumberFormat.fixed(r.accuracy, 3)) (held out \(r.testFrames.a)+\(r.testFrames.b) frames; train \(NumberFormat.fixed(r.trainAccuracy, 3)))")
        }
        line("paired   \(modelA) vs \(modelB), same seeds", test.paired)
        line("unpaired \(modelA) vs \(modelB), other seeds", test.unpaired)
        line("floor    \(modelB) vs itself, other seeds", test.floor)
        print("0.5 = indistinguishable")
    }
}
