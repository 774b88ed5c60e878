import Foundation
import TestSupport
import XCTest

/// The README's int8 commands end to end on a small untrained lamp: quantize, info, render,
/// the drift report, and the side-by-side comparison — and their one-line errors.
final class Int8CommandLineTests: XCTestCase {
    func testQuantizeInfoRenderCompare() throws {
        let duralava = productPath("duralava"), convert = productPath("duralava-convert")
        guard FileManager.default.isExecutableFile(atPath: duralava), FileManager.default.isExecutableFile(atPath: convert) else {
            throw XCTSkip("duralava / duralava-convert are not built")
        }
        let dir = temporaryDirectory()
        let float = dir + "/m.safetensors", int8 = dir + "/m-int8.safetensors"
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", float, "--size", "32x32"]).status, 0)

        let q = try runProcess(convert, ["quantize", "--model", float, "--out", int8, "--calibration-steps", "300", "--wide-activations", "last2"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertFalse(q.stderr.contains("frame change"), "an explicit choice is not measured: \(q.stderr)")
        XCTAssertTrue(q.stdout.contains("wrote \(int8): int8, per-layer weight scales"), q.stdout)
        let floatSize = try FileManager.default.attributesOfItem(atPath: float)[.size] as! Int
        let int8Size = try FileManager.default.attributesOfItem(atPath: int8)[.size] as! Int
        XCTAssertLessThanOrEqual(Double(int8Size), 0.30 * Double(floatSize))

        let info = try runProcess(duralava, ["info", "--model", int8])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("kind: int8 (per-layer weight scales"), info.stdout)
        XCTAssertTrue(info.stdout.contains("quantization.int16_activations: generator.input,generator.tconv2.output:15,generator.tconv3.output"), info.stdout)

        // The default, auto: measures the int8 lamp's motion from the last two layers wide up and
        // says what it chose; the file holds that choice.
        let auto = dir + "/m-auto.safetensors"
        let a = try runProcess(convert, ["quantize", "--model", float, "--out", auto, "--calibration-steps", "300"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stderr.contains("wide activations last2: int8 lamp's frame change ×"), a.stderr)
        let chosen = try XCTUnwrap(a.stdout.split(separator: "\n").first { $0.hasPrefix("wide activations: last") }, a.stdout)
        let n = try XCTUnwrap(Int(chosen.dropFirst("wide activations: last".count).prefix { $0.isNumber }), String(chosen))
        let autoInfo = try runProcess(duralava, ["info", "--model", auto])
        let expected = ["generator.input", "generator.tconv0.output:13", "generator.tconv1.output:14", "generator.tconv2.output:15", "generator.tconv3.output"]
        XCTAssertTrue(autoInfo.stdout.contains("quantization.int16_activations: " + ([expected[0]] + expected.suffix(n)).joined(separator: ",") + "\n"),
                      "\(chosen)\n\(autoInfo.stdout)")

        let render = try runProcess(duralava, ["render", "--model", int8, "--steps", "5", "--out", dir + "/q.png"])
        XCTAssertEqual(render.status, 0, render.stderr)
        XCTAssertTrue(render.stderr.contains("int8 (per-layer"), "render says which kind it runs: \(render.stderr)")

        let pair = try runProcess(duralava, ["compare", "--float", float, "--int8", int8, "--steps", "8", "--scale", "2", "--out", dir + "/pair.png"])
        XCTAssertEqual(pair.status, 0, pair.stderr)
        // 32 + 2 (gap) + 32 pixels wide, ×2.
        XCTAssertTrue(pair.stdout.contains("132x64"), pair.stdout)
        let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/pair.png"))
        XCTAssertEqual(Array(png[16..<24]), [0, 0, 0, 132, 0, 0, 0, 64])

        let drift = try runProcess(convert, ["compare", "--float", float, "--int8", int8, "--out", dir + "/drift",
                                             "--latents", "20", "--rollouts", "2", "--rollout-steps", "30", "--steps", "200", "--windows", "2",
                                             "--two-sample-frames", "500"])
        XCTAssertEqual(drift.status, 0, drift.stderr)
        XCTAssertTrue(drift.stdout.contains("two-sample, paired: int8 vs float frames from the same seeds"), drift.stdout)
        let tooFew = try runProcess(convert, ["compare", "--float", float, "--int8", int8, "--out", dir + "/drift", "--two-sample-frames", "100"])
        XCTAssertEqual(tooFew.status, 64)
        XCTAssertTrue(tooFew.stderr.contains("--two-sample-frames 100: 0 (skip) or at least 500"), tooFew.stderr)
        for name in ["drift.md", "drift.json", "distance.svg", "strip.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/drift/" + name), name)
        }

        // One-line errors: an int8 model cannot be quantized again; lamps of different sizes
        // cannot be paired.
        let again = try runProcess(convert, ["quantize", "--model", int8, "--out", dir + "/again.safetensors"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("is already an int8 model"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/again.safetensors"))
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", dir + "/big.safetensors", "--size", "64x64"]).status, 0)
        let mismatch = try runProcess(duralava, ["compare", "--float", dir + "/big.safetensors", "--int8", int8, "--steps", "2", "--out", dir + "/x.png"])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stderr.contains("differ from"), mismatch.stderr)
    }
}

/// `duralava-train two-sample` between a small lamp and its int8 quantization: three
/// accuracies in [0.5, 1] (or near), one line each.
final class TwoSampleCommandTests: XCTestCase {
    func testTwoSampleRunsThreeTests() throws {
        let duralava = productPath("duralava"), convert = productPath("duralava-convert"), train = productPath("duralava-train")
        for p in [duralava, convert, train] where !FileManager.default.isExecutableFile(atPath: p) { throw XCTSkip("\(p) is not built") }
        let dir = temporaryDirectory()
        let float = dir + "/m.safetensors", int8 = dir + "/m-int8.safetensors"
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", float, "--size", "16x16"]).status, 0)
        XCTAssertEqual(try runProcess(convert, ["quantize", "--model", float, "--out", int8, "--calibration-steps", "200"]).status, 0)
        let r = try runProcess(train, ["two-sample", "--model-a", int8, "--model-b", float, "--frames", "500", "--segments", "5", "--burn-in", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").filter { $0.contains("accuracy") }
        XCTAssertEqual(lines.count, 3, r.stdout)
        for l in lines {
            let value = Double(l.split(separator: "accuracy ")[1].prefix(5))!
            XCTAssertTrue(value >= 0 && value <= 1, String(l))
        }
        let bad = try runProcess(train, ["two-sample", "--model-a", int8, "--model-b", float, "--frames", "300"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--frames must be in 500...100000"), bad.stderr)
    }
}
