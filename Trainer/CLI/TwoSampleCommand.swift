import ArgumentParser
import CLIOptions
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-train two-sample`: can the report card's classifier tell one lamp's frames from
/// another's? For an int8 lamp against its float source this is the drift report's realism
/// row (the classifier trains on OpenBLAS, so it lives here rather than in the converter).
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
        func render(_ m: LampModel, seed: UInt64) -> FrameSet {
            var set = FrameSet(width: m.config.frameWidth, height: m.config.frameHeight)
            for k in 0..<segments {
                let run = LampRun(model: m, seed: seed &+ UInt64(k))
                for _ in 0..<burnIn { run.step() }
                let count = frames * (k + 1) / segments - frames * k / segments
                // As the screen shows them: 8-bit. (An int8 lamp's frames are 8-bit already; left
                // continuous, a float lamp's frames are told apart by their values alone.)
                set.append(run.renderSequence(count: count).asDisplayed())
            }
            return set
        }
        printError("rendering \(frames) frames of each lamp in \(segments) runs")
        let fa = render(a, seed: seed), fb = render(b, seed: seed)
        let fb2 = render(b, seed: seed &+ 100_000), fb3 = render(b, seed: seed &+ 200_000)
        func line(_ name: String, _ r: TwoSampleResult) {
            print("\(name): accuracy \(NumberFormat.fixed(r.accuracy, 3)) (held out \(r.testFrames.a)+\(r.testFrames.b) frames; train \(NumberFormat.fixed(r.trainAccuracy, 3)))")
        }
        printError("classifier 1/3: paired")
        line("paired   \(modelA) vs \(modelB), same seeds", TwoSampleTest.run(fa, fb, seed: seed &+ 11))
        printError("classifier 2/3: unpaired")
        line("unpaired \(modelA) vs \(modelB), other seeds", TwoSampleTest.run(fa, fb2, seed: seed &+ 12))
        printError("classifier 3/3: floor")
        line("floor    \(modelB) vs itself, other seeds", TwoSampleTest.run(fb3, fb2, seed: seed &+ 13))
        print("0.5 = indistinguishable")
    }
}
