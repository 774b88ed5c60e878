import ArgumentParser
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

    func run() throws {
        let report: WeightQuantizationReport
        do { report = try WeightQuantizationReport(file: try SafetensorsFile(path: model)) } catch {
            printError("duralava-convert: error: \(error)")
            Glibc.exit(1)
        }
        print("tensor                          shape              max|w|   SQNR per-layer  per-channel (dB)")
        for r in report.rows {
            let name = r.name.padding(32), shape = r.shape.map(String.init).joined(separator: "x").padding(18)
            print("\(name)\(shape) \(format(Double(r.maxAbs), 3).padding(8))  \(format(r.perLayerSQNR, 1).padding(15)) \(format(r.perChannelSQNR, 1))")
        }
    }

    func format(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "inf" }
        var m = 1.0
        for _ in 0..<digits { m *= 10 }
        let r = (v * m).rounded() / m
        return "\(r)"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
