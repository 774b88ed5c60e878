import DuralavaConverter
import DuralavaKernels
import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// Quantizing float models, loading the int8 files, and refusing bad input with one line.
final class Int8ConversionTests: XCTestCase {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func tinyFloat() throws -> LampModel {
        var c = ModelConfig()
        c.latentDim = 8; c.frameHeight = 16; c.frameWidth = 16; c.baseHeight = 4; c.baseWidth = 4
        c.channels = [12, 6]; c.rnnHidden = [24]; c.rnnNoiseDim = 2; c.rnnResidual = true
        return try model(RandomModel.writer(config: c, seed: 3).serialized(), path: "tiny.safetensors")
    }

    /// The in-memory files the tests' models were built from, by their (made-up) paths, for
    /// `Int8Conversion`'s `source`; a model loaded from disk is read again from its path.
    nonisolated(unsafe) static var sources: [String: SafetensorsFile] = [:]

    static func model(_ bytes: [UInt8], path: String) throws -> LampModel {
        let file = try SafetensorsFile(bytes: bytes, path: path)
        sources[path] = file
        return try LampModel(file: file)
    }

    static func source(of m: LampModel) throws -> SafetensorsFile {
        try sources[m.path] ?? SafetensorsFile(path: m.path)
    }

    static func convert(_ m: LampModel, _ calibration: Calibration, perChannel: Bool = false,
                        wide: Int8Conversion.WideActivations = .default) throws -> Int8Conversion {
        try Int8Conversion(model: m, source: try source(of: m), calibration: calibration, perChannel: perChannel, wide: wide)
    }

    static func calibrated(_ model: LampModel, steps: Int = 200) -> Calibration {
        var s = Calibration.Settings()
        s.steps = steps; s.frameEvery = 1
        return Calibration(model: model, settings: s)
    }

    static func int8Bytes(_ model: LampModel, perChannel: Bool = false) throws -> [UInt8] {
        try convert(model, Self.calibrated(model), perChannel: perChannel).writer.serialized()
    }

    func psnr(_ a: [Float], _ b: [Float]) -> Double {
        var mse = 0.0
        for (x, y) in zip(a, b) { let d = Double((x * 255).rounded() - (y * 255).rounded()) / 255; mse += d * d }
        mse /= Double(a.count)
        return mse > 0 ? 10 * log10(1 / mse) : 99
    }

    func testTinyModelRoundTripsThroughInt8() throws {
        let float = try Self.tinyFloat()
        for perChannel in [false, true] {
            let bytes = try Self.int8Bytes(float, perChannel: perChannel)
            let q = try LampModel(file: try SafetensorsFile(bytes: bytes, path: "tiny-int8.safetensors"))
            XCTAssertEqual(q.kind, .int8)
            XCTAssertEqual(q.metadata["quantization.scheme"], perChannel ? "per-channel" : "per-layer")
            XCTAssertTrue(q.metadata["quantization.calibration"]!.contains("guarded float loop"))
            // The last two hidden layers are wide; their next layers sum few products, so 16-bit codes.
            XCTAssertEqual(q.metadata["quantization.int16_activations"], "generator.input,generator.tconv0.output,generator.tconv1.output")
            guard case .int8 = q.generator, case .int8 = q.rnn else { return XCTFail("int8 model loads int8 networks") }
            // Same latent: the int8 frame is close to the float frame.
            let loop = LatentLoop(rnn: float.rnn, seed: 4)
            var worst = 99.0
            for _ in 0..<20 {
                loop.step()
                worst = min(worst, psnr(float.generator.frame(for: loop.latentArray), q.generator.frame(for: loop.latentArray)))
            }
            XCTAssertGreaterThan(worst, 25, "perChannel \(perChannel)")
            // The int8 lamp runs its loop like a float one.
            let qloop = LatentLoop(rnn: q.rnn, seed: 4)
            for _ in 0..<200 { qloop.step() }
            XCTAssertEqual(qloop.counters.interventions, 0)
            XCTAssertEqual(Moments(Array(qloop.latent)).std, 1, accuracy: 1e-4)
        }
    }

    /// The shipped lamp: the int8 file is at most 30% of the float file, frames agree ≥ 30 dB.
    func testShippedModelQuantizes() throws {
        let path = Self.root + "/models/default.safetensors"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no shipped model") }
        let float = try LampModel(path: path)
        let bytes = try Self.convert(float, Self.calibrated(float, steps: 300)).writer.serialized()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertLessThanOrEqual(Double(bytes.count), 0.30 * Double(size))
        let q = try LampModel(file: try SafetensorsFile(bytes: bytes, path: "default-int8.safetensors"))
        let loop = LatentLoop(rnn: float.rnn, seed: 9, startLatents: float.startLatents)
        var values: [Double] = []
        for i in 0..<40 {
            loop.step()
            if i % 4 == 0 { values.append(psnr(float.generator.frame(for: loop.latentArray), q.generator.frame(for: loop.latentArray))) }
        }
        XCTAssertGreaterThan(values.sorted()[values.count / 2], 30)
    }

    /// The animator (what `run` and `render` show) runs an int8 lamp; its pixels are the int8
    /// generator's own 8-bit output, unchanged by the float frame in between.
    func testAnimatorShowsInt8Pixels() throws {
        let q = try LampModel(file: try SafetensorsFile(bytes: try Self.int8Bytes(try Self.tinyFloat()), path: "q.safetensors"))
        guard case .int8(let generator) = q.generator else { return XCTFail("int8 generator") }
        let animator = LampAnimator(model: q, seed: 2, between: .pixel)
        for _ in 0..<4 { animator.advance() }
        let shown = animator.loop.latentArray      // phase 0 of the next interval shows this step's frame
        animator.advance()
        animator.render(phase: 0)
        shown.withUnsafeBufferPointer { generator.forward(latent: $0.baseAddress!) }
        XCTAssertEqual(Array(animator.rgb), Array(generator.pixels))
        XCTAssertEqual(q.kindDescription, "int8 (per-layer weight scales, int32 accumulators, fixed-point requantization)")
    }

    func testAlreadyInt8IsRefused() throws {
        let q = try LampModel(file: try SafetensorsFile(bytes: try Self.int8Bytes(try Self.tinyFloat()), path: "q.safetensors"))
        XCTAssertThrowsError(try Int8Conversion(model: q, source: try SafetensorsFile(bytes: try Self.int8Bytes(try Self.tinyFloat()), path: "q.safetensors"),
                                                calibration: Self.calibrated(try Self.tinyFloat()), perChannel: false)) {
            XCTAssertTrue("\($0)".contains("already an int8 model"), "\($0)")
        }
    }

    /// Rewrites one tensor of a valid int8 file and expects a one-line error naming it.
    func expectError(_ name: String, _ change: (inout SafetensorsWriter) -> Void, _ expected: String,
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let good = try SafetensorsFile(bytes: try Self.int8Bytes(try Self.tinyFloat()), path: "bad.safetensors")
        var w = SafetensorsWriter()
        w.metadata = good.metadata
        for (n, info) in good.tensors where n != name {
            w.addRaw(n, dtype: info.dtype, shape: info.shape, bytes: Array(try good.rawBytes(n, dtype: info.dtype)))
        }
        change(&w)
        XCTAssertThrowsError(try LampModel(file: try SafetensorsFile(bytes: w.serialized(), path: "bad.safetensors")), file: file, line: line) {
            let text = "\($0)"
            XCTAssertTrue(text.hasPrefix("bad.safetensors: ") && text.contains(expected) && !text.contains("\n"), text, file: file, line: line)
        }
    }

    func testMalformedInt8FilesAreOneLineErrors() throws {
        try expectError("rnn.dense0.output.zero_point", { $0.add("rnn.dense0.output.zero_point", shape: [1], int32s: [300]) },
                        "\"rnn.dense0.output.zero_point\" is 300, expected an int8 zero point")
        try expectError("generator.tconv1.output.zero_point", { $0.add("generator.tconv1.output.zero_point", shape: [1], int32s: [40000]) },
                        "\"generator.tconv1.output.zero_point\" is 40000, expected an int16 zero point")
        try expectError("rnn.input.scale", { $0.add("rnn.input.scale", shape: [1], floats: [-0.5]) }, "\"rnn.input.scale\" is -0.5")
        try expectError("generator.tconv0.weight_scale", { _ in }, "missing tensor \"generator.tconv0.weight_scale\"")
        try expectError("generator.tconv2.weight", { $0.add("generator.tconv2.weight", shape: [4, 4, 3, 6], floats: [Float](repeating: 0, count: 288)) },
                        "has dtype F32, expected I8")
        try expectError("rnn.dense1.weight_scale", { $0.add("rnn.dense1.weight_scale", shape: [5], floats: [Float](repeating: 0.1, count: 5)) },
                        "expected [1] or [8]")
        try expectError("rnn.dense0.bias", { $0.add("rnn.dense0.bias", shape: [24], int32s: [Int32](repeating: Int32.max, count: 24)) },
                        "expected |bias| ≤ 2^30")
    }

    /// A BatchNorm with zero variance and ε = 0 folds to infinite weights: refused at load.
    func testInt16ListIsChecked() throws {
        let good = try SafetensorsFile(bytes: try Self.int8Bytes(try Self.tinyFloat()), path: "bad.safetensors")
        var w = SafetensorsWriter()
        w.metadata = good.metadata
        w.metadata["quantization.int16_activations"] = "rnn.input"
        for (n, info) in good.tensors { w.addRaw(n, dtype: info.dtype, shape: info.shape, bytes: Array(try good.rawBytes(n, dtype: info.dtype))) }
        XCTAssertThrowsError(try LampModel(file: try SafetensorsFile(bytes: w.serialized(), path: "bad.safetensors"))) {
            XCTAssertTrue("\($0)".contains("names \"rnn.input\"; only generator.input"), "\($0)")
        }
    }

    /// Wide activations get as many code bits as the next layer's int32 sum allows: on the
    /// reference architecture 13, 14, 15 and 16 bits for tconv0…tconv3 (`all`), the last two by
    /// default; the loader takes `NAME:BITS`, refuses bits outside 9…16, and refuses a layer
    /// whose input codes are too wide for its reduction.
    func testWideActivationsGetTheCodeBitsTheirNextLayerAllows() throws {
        XCTAssertEqual(ActivationQuantization.widestCodeBits(reduction: 256 * 4), 13)
        XCTAssertEqual(ActivationQuantization.widestCodeBits(reduction: 128 * 4), 14)
        XCTAssertEqual(ActivationQuantization.widestCodeBits(reduction: 64 * 4), 15)
        XCTAssertEqual(ActivationQuantization.widestCodeBits(reduction: 32 * 4), 16)
        XCTAssertNil(ActivationQuantization.widestCodeBits(reduction: 40_000))
        XCTAssertEqual(ActivationQuantization(minimum: -1, maximum: 3, bits: 16, codeBits: 15).codeMaximum, 16383)

        var c = ModelConfig()
        c.latentDim = 16; c.frameHeight = 64; c.frameWidth = 64; c.baseHeight = 4; c.baseWidth = 4
        c.channels = [32, 16, 16, 8]; c.rnnHidden = [24]; c.rnnNoiseDim = 2; c.rnnResidual = true
        let float = try Self.model(RandomModel.writer(config: c, seed: 5).serialized(), path: "m.safetensors")
        for (wide, expected) in [(Int8Conversion.WideActivations.all,
                                  "generator.input,generator.tconv0.output,generator.tconv1.output,generator.tconv2.output,generator.tconv3.output"),
                                 (.default, "generator.input,generator.tconv2.output,generator.tconv3.output"),
                                 (.last(1), "generator.input,generator.tconv3.output"),
                                 (.layers([1]), "generator.input,generator.tconv1.output")] {
            let bytes = try Self.convert(float, Self.calibrated(float, steps: 100), wide: wide).writer.serialized()
            let q = try LampModel(file: try SafetensorsFile(bytes: bytes, path: "q.safetensors"))
            XCTAssertEqual(q.metadata["quantization.int16_activations"], expected)
        }
        XCTAssertEqual(Int8Conversion.WideActivations("last2"), .last(2))
        XCTAssertEqual(Int8Conversion.WideActivations("2,3"), .layers([2, 3]))
        XCTAssertNil(Int8Conversion.WideActivations("last0"))
        XCTAssertNil(Int8Conversion.WideActivations("two"))

        // The reference channels (256, 128, 64, 32) give tconv2's output 15-bit codes.
        c.channels = [256, 128, 64, 32]; c.latentDim = 8
        let big = try Self.model(RandomModel.writer(config: c, seed: 6).serialized(), path: "big.safetensors")
        let good = try SafetensorsFile(bytes: try Self.convert(big, Self.calibrated(big, steps: 100)).writer.serialized(), path: "wide.safetensors")
        XCTAssertEqual(good.metadata["quantization.int16_activations"], "generator.input,generator.tconv2.output:15,generator.tconv3.output")
        guard case .int8(let g) = try LampModel(file: good).generator else { return XCTFail("an int8 generator") }
        var codeBits: [Int] = []
        let z = [Float](repeating: 0.3, count: 8)
        z.withUnsafeBufferPointer { g.forward(latent: $0.baseAddress!) { _, codes in codeBits.append(codes.quantization.codeBits) } }
        XCTAssertEqual(codeBits, [8, 8, 15, 16])

        func loading(_ list: String) -> String {
            var w = SafetensorsWriter()
            w.metadata = good.metadata
            w.metadata["quantization.int16_activations"] = list
            for (n, info) in good.tensors { w.addRaw(n, dtype: info.dtype, shape: info.shape, bytes: Array(try! good.rawBytes(n, dtype: info.dtype))) }
            do { _ = try LampModel(file: try SafetensorsFile(bytes: w.serialized(), path: "wide.safetensors")); return "loaded" } catch { return "\(error)" }
        }
        XCTAssertTrue(loading("generator.input,generator.tconv2.output:17,generator.tconv3.output").contains("expected NAME or NAME:BITS with BITS in 9...16"))
        XCTAssertTrue(loading("generator.input,generator.tconv2.output:x,generator.tconv3.output").contains("expected NAME or NAME:BITS"))
        // 16-bit codes into tconv3's 256-product sums could overflow int32.
        XCTAssertTrue(loading("generator.input,generator.tconv2.output,generator.tconv3.output")
            .contains("layer generator.tconv3 sums 256 products of 16-bit inputs per output, more than the int32 accumulator allows (129)"))
    }

    func testFoldingToNonFiniteIsRefused() throws {
        var c = ModelConfig()
        c.latentDim = 8; c.frameHeight = 16; c.frameWidth = 16; c.baseHeight = 4; c.baseWidth = 4
        c.channels = [12, 6]; c.rnnHidden = [24]; c.batchNormEpsilon = 0
        var w = RandomModel.writer(config: c, seed: 3)
        let file = try SafetensorsFile(bytes: w.serialized(), path: "m.safetensors")
        var broken = SafetensorsWriter()
        broken.metadata = file.metadata
        for (n, info) in file.tensors where n != "generator.bn1.var" {
            broken.addRaw(n, dtype: info.dtype, shape: info.shape, bytes: Array(try file.rawBytes(n, dtype: info.dtype)))
        }
        broken.add("generator.bn1.var", shape: [6], floats: [1, 1, 0, 1, 1, 1])
        w = broken
        XCTAssertThrowsError(try LampModel(file: try SafetensorsFile(bytes: w.serialized(), path: "m.safetensors"))) {
            XCTAssertTrue("\($0)".contains("non-finite weights in channel 2"), "\($0)")
        }
    }
}

/// The drift report on a tiny lamp: every section measured, the files written and readable.
final class DriftReportTests: XCTestCase {
    func testTinyDriftReport() throws {
        let t = Int8ConversionTests.self
        let float = try t.tinyFloat()
        let q = try LampModel(file: try SafetensorsFile(bytes: try t.int8Bytes(float), path: "tiny-int8.safetensors"))
        var s = DriftReport.Settings()
        s.latents = 40; s.rollouts = 3; s.rolloutSteps = 60
        s.endurance.steps = 400; s.endurance.windows = 2; s.endurance.renderedFrames = 30
        s.stripSteps = [1, 10, 50]
        s.twoSample?.frames = 500; s.twoSample?.segments = 5; s.twoSample?.burnIn = 5
        let r = try DriftReport.measure(float: float, int8: q, settings: s)
        XCTAssertEqual(r.frameSNR.count, 40)
        XCTAssertGreaterThan(r.frameSNR.median, 25)
        XCTAssertEqual(r.layers.count, 3)                 // tconv0, tconv1, tconv2 (logits)
        XCTAssertEqual(r.rnnOutputLayers.count, 2)
        XCTAssertTrue(r.layers.allSatisfy { $0.sqnr > 15 }, "\(r.layers.map { $0.sqnr })")
        XCTAssertLessThan(r.oneStep.median, 0.1)
        XCTAssertEqual(r.partingSteps.count, 3)
        XCTAssertEqual(r.distanceMedian.count, 60)
        XCTAssertEqual(r.strip.map { $0.step }, [1, 10, 50])
        XCTAssertEqual(r.floatLamp?.endurance.guards.steps, 400)
        XCTAssertEqual(r.int8Lamp?.endurance.guards.steps, 400)
        XCTAssertNotNil(r.motionRatio)
        // Brightness bands: 8 per channel, every compared pixel in one, and their means and
        // spreads add up to the frames' mean squared error (the PSNR's).
        XCTAssertEqual(r.brightnessBands.count, 24)
        let pixels = r.brightnessBands.map(\.pixels).reduce(0, +)
        XCTAssertEqual(pixels, 40 * float.config.frameWidth * float.config.frameHeight * 3)
        let mse = r.brightnessBands.map { Double($0.pixels) * ($0.mean * $0.mean + $0.spread * $0.spread) }.reduce(0, +) / Double(pixels)
        XCTAssertGreaterThan(mse, 0)
        XCTAssertLessThan(mse, 255 * 255 * pow(10, -r.frameSNR.minimum / 10) + 1e-9, "no more than the worst frame's error")
        XCTAssertGreaterThan(mse, 255 * 255 * pow(10, -r.frameSNR.maximum / 10) - 1e-9, "no less than the best frame's")
        XCTAssertNotNil(r.worstBrightnessBias)
        // The classifier two-sample test, in the report and judged by its targets.
        let c = try XCTUnwrap(r.twoSample)
        for a in [c.paired.accuracy, c.unpaired.accuracy, c.floor.accuracy] { XCTAssertTrue((0...1).contains(a), "\(a)") }
        XCTAssertGreaterThan(c.paired.testFrames.a, 0)
        XCTAssertLessThanOrEqual(c.paired.testFrames.a + c.paired.trainFrames.a, 500)
        let names = r.targets.map(\.0)
        XCTAssertTrue(names.contains { $0.hasPrefix("two-sample, paired") } && names.contains { $0.hasPrefix("two-sample, unpaired") }, "\(names)")
        XCTAssertTrue(names.contains { $0.hasPrefix("every brightness band's bias") }, "\(names)")
        XCTAssertTrue(r.markdown().contains("| paired: the same seeds for both lamps (only the networks differ) | \(NumberFormat.fixed(c.paired.accuracy, 3)) |"))
        XCTAssertTrue(r.json().contains("\"two_sample\""))
        var skip = s
        skip.twoSample = nil; skip.endurance.steps = 0
        XCTAssertNil(try DriftReport.measure(float: float, int8: q, settings: skip).twoSample)
        // Swapped arguments are refused with the file named.
        XCTAssertThrowsError(try DriftReport.measure(float: q, int8: float, settings: s)) {
            XCTAssertTrue("\($0)".hasPrefix("tiny-int8.safetensors: is not a float model"), "\($0)")
        }
        let dir = NSTemporaryDirectory() + "drift-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try r.write(to: dir)
        XCTAssertTrue(try String(contentsOfFile: dir + "/drift.md", encoding: .utf8).contains("### int8 − float by brightness"))
        for name in ["drift.md", "drift.json", "distance.svg", "brightness.svg", "strip.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + name), name)
        }
        // The distance plot is SVG: well-formed, its labels text, a point per rollout step for
        // the median and the 90th percentile; drift.md shows it.
        let plot = try SVGElements(path: dir + "/distance.svg")
        XCTAssertTrue(plot.texts.contains("RMS distance") && plot.texts.contains("step"), "\(plot.texts)")
        XCTAssertTrue(plot.texts.contains("1.5"), "a tick value: \(plot.texts)")
        XCTAssertEqual(plot.named("polyline").map { $0.attributes["data-series"] ?? "" }, ["90th percentile", "median"])
        XCTAssertEqual(plot.named("polyline").map { $0.points.count }, [60, 60])
        XCTAssertTrue(try String(contentsOfFile: dir + "/drift.md", encoding: .utf8).contains("![latent distance](distance.svg)"))
        let strip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/strip.png")))
        XCTAssertEqual(Array(strip.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/drift.json"))) as! [String: Any]
        XCTAssertEqual(json["format"] as? String, "duralava-drift-report")
        XCTAssertEqual((json["targets"] as? [Any])?.count, r.targets.count)
        XCTAssertTrue(try String(contentsOfFile: dir + "/drift.md", encoding: .utf8).contains("## (c) Paired rollouts"))
    }
}
