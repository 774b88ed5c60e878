import ArgumentParser
import DuralavaConverter

@main
struct DuralavaConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duralava-convert",
        abstract: "Quantize a duralava model to int8 (in progress: the int8 model format is not defined yet).")

    func run() throws {
        throw ValidationError("int8 conversion is not implemented yet; see the project's issues")
    }
}
