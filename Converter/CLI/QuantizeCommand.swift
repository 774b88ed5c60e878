import ArgumentParser
import CLIOptions
import DuralavaConverter
import DuralavaMeasure
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `duralava-convert quantize`: float model → int8 model.
struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize a float model to int8 (weights symmetric, activations calibrated on the guarded loop).")

    @Option(name: .long, help: "Float model file.")
    var model: String

    @Option(name: .long, help: "Output int8 model file.")
    var out: String

    @Flag(name: .long, help: "One weight scale per output channel (default: one per layer).")
    var perChannel = false

    @Option(name: .long, help: "Loop steps of calibration (trajectories from the model's start latents).")
    var calibrationSteps = 4000

    @Option(name: .long, help: "Generator frames on every n-th calibration step.")
    var calibrationFrameEvery = 2

    @Option(name: .long, help: "Seed of the calibration trajectories.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Tail quantile clipped from each activation range (0: exact min/max).")
    var calibrationTail = Calibration.Settings().tail

    @Option(name: .long, help: "Hidden generator activations stored as int16 with 13-16-bit codes: auto (the default: the fewest last layers, two or more, whose int8 lamp moves within x0.9-1.1 of the float one), lastN (the last N hidden layers), all, or layer numbers such as 2,3. Wide layers remove the int8 bias of bright blobs and the rounding shimmer of slow lamps; int8 ones are faster (docs/int8.md).")
    var wideActivations: String = "auto"

    @Flag(name: .long, help: "Replace --out even when it holds a trained model.")
    var force = false

    func validate() throws {
        try PathOptions.check([("model", model), ("out", out)])
        try OptionRanges.calibrationSteps.check(calibrationSteps)
        guard wideActivations == "auto" || Int8Conversion.WideActivations(wideActivations) != nil else {
            throw ValidationError("--wide-activations must be auto, last, lastN (N ≥ 1), all or generator layer numbers separated by commas (e.g. 2,3), not \"\(wideActivations)\"")
        }
        try OptionRanges.calibrationFrameEvery.check(calibrationFrameEvery)
        try OptionRanges.calibrationTail.check(calibrationTail)
    }

    func run() throws {
        // --out is checked before calibration (up to 10^7 steps), and is never the input;
        // temporaries of a killed earlier quantize are swept, this one's removed on a signal.
        do throws(FileError) { try OutputCheck.outputFile(out, inputs: [("model", model)], force: force) } catch {
            DuralavaConvert.fail(error.description)
        }
        for name in sweepStaleTemporaries(of: out) {
            printError("duralava-convert: removed \(OutputCheck.directoryPart(of: out))/\(name), left by an interrupted duralava")
        }
        removeTemporariesOnSignals()
        let float: LampModel, source: SafetensorsFile
        do { source = try SafetensorsFile(path: model); float = try LampModel(file: source) } catch { DuralavaConvert.fail("\(error)") }
        var settings = Calibration.Settings()
        settings.steps = calibrationSteps
        settings.frameEvery = calibrationFrameEvery
        settings.seed = seed
        settings.tail = calibrationTail
        let start = monotonicSeconds()
        if case .int8 = float.generator {
            DuralavaConvert.fail("\(model): is already an int8 model (metadata \"kind\" = \"int8\"); quantize its float source instead")
        }
        let calibration = Calibration(model: float, settings: settings) { done, total in
            printError("\rcalibrating: \(done)/\(total) steps", terminator: "")
        }
        printError("")
        let conversion: Int8Conversion
        var choice: WideActivationChoice?
        if let wide = Int8Conversion.WideActivations(wideActivations) {
            do { conversion = try Int8Conversion(model: float, source: source, calibration: calibration, perChannel: perChannel, wide: wide) } catch {
                DuralavaConvert.fail("\(error)")
            }
        } else {
            (conversion, choice) = chooseWideActivations(float, source: source, calibration: calibration)
        }
        var writer = conversion.writer
        if let choice {
            writer.metadata["quantization.wide_activations_choice"] = "auto: \(choice.chosen.wide); int8/float frame change "
                + choice.trials.map { "\($0.wide) ×\(NumberFormat.fixed($0.motionRatio, 3))" }.joined(separator: ", ")
        }
        do { try writer.write(to: out) } catch { DuralavaConvert.fail("\(error)") }
        let inSize = fileSize(model), outSize = fileSize(out)
        print("activation                      scale       zero  range (int8)            observed                clipped")
        for r in conversion.activations {
            print("\(r.name.padding(32))\(NumberFormat.fixed(Double(r.quantization.scale), 6).padding(12))\(String(r.quantization.zeroPoint).padding(6))"
                  + "\((NumberFormat.fixed(Double(r.minimum), 3) + "..." + NumberFormat.fixed(Double(r.maximum), 3)).padding(24))"
                  + "\((NumberFormat.fixed(Double(r.observedMinimum), 3) + "..." + NumberFormat.fixed(Double(r.observedMaximum), 3)).padding(24))\(NumberFormat.fixed(r.clipped * 100, 4))%")
        }
        print("calibration: \(calibration.summary)")
        print("wrote \(out): int8, \(perChannel ? "per-channel" : "per-layer") weight scales, \(outSize) bytes "
              + "(\(NumberFormat.fixed(Double(outSize) / Double(Swift.max(inSize, 1)) * 100, 1))% of the float file's \(inSize)) in \(NumberFormat.fixed(monotonicSeconds() - start, 1)) s")
    }
}

extension Quantize {
    /// `--wide-activations auto`: converts with the last two hidden layers wide, then three, ...,
    /// until the int8 lamp's motion matches the float lamp's (`WideActivationChoice`); returns
    /// the chosen conversion.
    func chooseWideActivations(_ float: LampModel, source: SafetensorsFile, calibration: Calibration) -> (Int8Conversion, WideActivationChoice) {
        var conversions: [String: Int8Conversion] = [:]
        let hidden = float.config.generatorLayers.count - 1
        let choice = WideActivationChoice(hiddenLayers: hidden) { wide in
            let c: Int8Conversion, int8: LampModel
            do {
                c = try Int8Conversion(model: float, source: source, calibration: calibration, perChannel: perChannel, wide: wide)
                int8 = try LampModel(file: SafetensorsFile(bytes: c.writer.serialized(), path: out))
            } catch {
                DuralavaConvert.fail("\(error)")
            }
            conversions[wide.description] = c
            let ratio = WideActivationChoice.motionRatio(float: float, int8: int8)
            printError("wide activations \(wide): int8 lamp's frame change ×\(NumberFormat.fixed(ratio, 3)) of the float lamp's"
                       + (WideActivationChoice.motionRange.contains(ratio) ? "" : " (outside ×0.9–1.1)"))
            return ratio
        }
        if !choice.chosen.passes {
            printError("warning: no choice of wide activations keeps the int8 lamp's motion within ×0.9–1.1 of the float lamp's; "
                       + "using \(choice.chosen.wide), the nearest (×\(NumberFormat.fixed(choice.chosen.motionRatio, 3)))")
        }
        print("wide activations: \(choice.chosen.wide) (auto: int8/float frame change ×\(NumberFormat.fixed(choice.chosen.motionRatio, 3)))")
        return (conversions[choice.chosen.wide.description]!, choice)
    }
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}
