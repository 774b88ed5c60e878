import ArgumentParser
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

@main
struct Duralava: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duralava",
        abstract: "A neural lava lamp that runs forever.",
        discussion: """
            The model is taken from --model, else $DURALAVA_MODEL, else the shipped models/ directory \
            (models/default.safetensors, falling back to models/untrained.safetensors).
            """,
        subcommands: [Run.self, Render.self, CompareLamps.self, Info.self, Bench.self, InitRandom.self],
        defaultSubcommand: Run.self)

    /// One-line errors and a non-zero exit, never a signal or a stack trace.
    static func fail(_ message: String) -> Never {
        exitWithError("duralava", message)
    }
}

/// Options shared by the commands that run a lamp.
struct LampOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (safetensors). Default: $DURALAVA_MODEL, then the shipped models/.")
    var model: String?

    @Option(name: .long, help: "Model steps per second of lamp time.")
    var rate: Double = 5

    @Option(name: .long, help: "Seed of the lamp's starting latent and noise.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "How in-between frames are made: latent (no ghosting) or pixel (cross-fade).")
    var blend: String = "latent"

    func validate() throws {
        try PathOptions.check([("model", model)])
        try OptionRange.check("rate", rate, 0.001...1000, "model steps per second of lamp time; above 1000 no display keeps up")
        guard BetweenFrames(rawValue: blend) != nil else {
            throw ValidationError("--blend must be one of: \(BetweenFrames.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// `threaded`: model steps computed ahead on a worker thread (the window).
    func loadAnimator(threaded: Bool = false) -> LampAnimator {
        let path = ModelLookup.resolve(explicit: model)
        let lamp: LampModel
        do { lamp = try LampModel(path: path) } catch { Duralava.fail("\(error)") }
        if !lamp.isTrained {
            printError("duralava: note: \(path) is an untrained, randomly initialised model; train one with duralava-train")
        }
        printError("duralava: note: \(path): \(lamp.kindDescription) model")
        return LampAnimator(model: lamp, seed: seed, between: BetweenFrames(rawValue: blend)!, threaded: threaded)
    }
}

/// Parse-time check of path options: an empty path is a one-line error, never the
/// filesystem root (docs/reliability.md#outputs).
enum PathOptions {
    static func check(_ options: [(String, String?)]) throws {
        if let problem = OutputCheck.emptyPathProblem(options) { throw ValidationError(problem) }
    }
}

/// Output checks before any work (OutputCheck): a one-line error and exit 1.
enum OutputPreflight {
    static func file(_ path: String, option: String = "out", inputs: [(String, String)] = [], force: Bool = false) {
        do throws(FileError) { try OutputCheck.outputFile(path, option: option, inputs: inputs, force: force) } catch {
            Duralava.fail(error.description)
        }
        for name in sweepStaleTemporaries(of: path) {
            printError("duralava: removed \(OutputCheck.directoryPart(of: path))/\(name), left by an interrupted duralava")
        }
    }
}

/// Parse-time checks of numeric options (docs/reliability.md#options): a value outside its range is a one-line
/// error naming the option, the range and why; NaN and infinities are always refused.
enum OptionRange {
    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>, _ why: String) throws {
        guard !range.contains(value) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }

    static func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>, _ why: String) throws {
        guard !(value.isFinite && range.contains(value)) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }
}
