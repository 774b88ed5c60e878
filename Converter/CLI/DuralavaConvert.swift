import ArgumentParser
import CLIOptions
import DuralavaConverter
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

@main
struct DuralavaConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duralava-convert",
        abstract: "int8 quantization of duralava models, and how far the int8 lamp drifts from the float one.",
        discussion: """
            quantize: float model -> int8 model (per-layer or per-channel weight scales, activations calibrated on the \
            guarded loop). compare: the drift report of an int8 model against its float source. inspect: how each \
            weight tensor quantizes.
            """,
        subcommands: [Quantize.self, Compare.self, Inspect.self])

    /// One-line errors and a non-zero exit, never a signal or a stack trace.
    static func fail(_ message: String) -> Never {
        exitWithError("duralava-convert", message)
    }
}
