import ArgumentParser
import CLIOptions
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
        subcommands: [Run.self, Render.self, CompareLamps.self, Info.self, Bench.self, InitRandom.self, Selftest.self],
        defaultSubcommand: Run.self)

    /// One-line errors and a non-zero exit, never a signal or a stack trace.
    static func fail(_ message: String) -> Never {
        exitWithError("duralava", message)
    }
}

// --model, --rate and --seed, each declared once: run and render take all three (LampOptions),
// bench takes --model and --seed, compare --rate and --seed.

/// --model: the lamp's file.
struct ModelOption: ParsableArguments {
    @Option(name: .long, help: "Model file (safetensors). Default: $DURALAVA_MODEL, then the shipped models/.")
    var model: String?

    func validate() throws { try PathOptions.check([("model", model)]) }
}

/// --rate: model steps per lamp-second.
struct RateOption: ParsableArguments {
    @Option(name: .long, help: "Model steps per second of lamp time.")
    var rate: Double = 5

    func validate() throws { try OptionRanges.rate.check(rate) }
}

/// --seed: the lamp's start and noise.
struct SeedOption: ParsableArguments {
    @Option(name: .long, help: "Seed of the lamp's starting latent and noise.")
    var seed: UInt64 = 1
}

/// Options shared by the commands that run a lamp.
struct LampOptions: ParsableArguments {
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var rateOption: RateOption
    @OptionGroup var seedOption: SeedOption

    @Option(name: .long, help: "How in-between frames are made: latent (no ghosting) or pixel (cross-fade).")
    var blend: String = "latent"

    var model: String? { modelOption.model }
    var rate: Double { rateOption.rate }
    var seed: UInt64 { seedOption.seed }

    func validate() throws {
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
