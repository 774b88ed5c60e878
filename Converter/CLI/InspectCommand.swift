import ArgumentParser
import CLIOptions
import DuralavaConverter
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-convert inspect`: per-tensor int8 weight quantization error, per-layer vs per-channel.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report each weight tensor's int8 quantization error (SQNR, dB), per-layer and per-output-channel.")

    @Option(name: .long, help: "Float model file.")
    var model: String

    func validate() throws { try PathOptions.check([("model", model)]) }

    func run() throws {
        let report: WeightQuantizationReport
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: model); report = try WeightQuantizationReport(file: file) } catch {
            DuralavaConvert.fail("\(error)")
        }
        // A file with nothing to inspect is an error, not an empty table and exit 0.
        if file.metadata.isEmpty { DuralavaConvert.fail("\(model): no __metadata__; not a duralava model") }
        if report.rows.isEmpty { DuralavaConvert.fail("\(model): no weight tensors to inspect") }
        print("tensor                          shape              max|w|   SQNR per-layer  per-channel (dB)")
        for r in report.rows {
            let name = r.name.padding(32), shape = r.shape.map(String.init).joined(separator: "x").padding(18)
            print("\(name)\(shape) \(NumberFormat.rounded(Double(r.maxAbs), 3).padding(8))  \(NumberFormat.rounded(r.perLayerSQNR, 1).padding(15)) \(NumberFormat.rounded(r.perChannelSQNR, 1))")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
