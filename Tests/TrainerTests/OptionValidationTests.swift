import Foundation
import TestSupport
import XCTest

/// Every numeric option of duralava-train is checked at parse time (docs/reliability.md#options); some of
/// these options once crashed (SIGFPE), hung, headed for 40 GB or overflowed.
final class OptionValidationTests: XCTestCase {
    var tool: String { productPath("duralava-train") }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
    }

    func assertRefused(_ arguments: [String], naming option: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = temporaryDirectory(prefix: "duralava-cli-")
        let started = Date()
        let r = try runProcess(tool, arguments, currentDirectory: dir)
        XCTAssertEqual(r.reason, .exit, "\(arguments): exits, no signal", file: file, line: line)
        XCTAssertEqual(r.status, 64, "\(arguments): usage error\n\(r.stderr)", file: file, line: line)
        let first = r.errorLines.first.map(String.init) ?? ""
        XCTAssertTrue(first.hasPrefix("Error: --\(option) ") && first.contains(" is outside ") && first.contains(": "),
                      "\(arguments): \(first)", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "\(arguments): refused before any work", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "nothing written", file: file, line: line)
    }

    func testOptionsOfTheIssue() throws {
        try assertRefused(["train", "--preset", "tiny", "--frame-steps", "0", "--out", "r"], naming: "frame-steps")
        try assertRefused(["simulate", "--frames", "2", "--warm-up", "1e9", "--out", "f/"], naming: "warm-up")
        try assertRefused(["train", "--size", "4096x4096", "--out", "r"], naming: "size")
        try assertRefused(["simulate", "--frames", "2", "--fps", "1e30", "--out", "f/"], naming: "fps")
        try assertRefused(["train", "--data", ".", "--source-fps", "0", "--out", "r"], naming: "source-fps")
        try assertRefused(["train", "--preset", "tiny", "--learning-rate", "nan", "--out", "r"], naming: "learning-rate")
    }

    func testEveryOtherNumericOption() throws {
        let train: [(String, String)] = [
            ("dynamics-steps", "-1"), ("extend-frames", "0"), ("max-steps", "0"), ("reconstruction-only-steps", "-5"),
            ("threads", "0"), ("critic-blur", "1000"), ("prior-samples", "-1"), ("frame-step", "0"),
            ("dynamics-learning-rate", "inf"), ("reconstruction-weight", "1e30"), ("adversarial-weight", "-1"),
            ("prediction-weight", "nan"), ("normality-weight", "1e9"), ("manifold-weight", "-0.5"),
            ("raw-std-weight", "inf"), ("latent-noise", "-1"), ("reset-probability", "1.5"),
            ("pixel-critic-weight", "-1"), ("pixel-critic-samples", "1"), ("pixel-critic-blur", "17"),
        ]
        for (option, value) in train {
            // --name=value: ArgumentParser reads a separate "-1" as an option, not a value.
            try assertRefused(["train", "--preset", "tiny", "--\(option)=\(value)", "--out", "r"], naming: option)
        }
        try assertRefused(["simulate", "--frames", "0", "--out", "f/"], naming: "frames")
        for (option, value) in [("steps", "0"), ("windows", "0"), ("window-frames", "-1"), ("frames", "5"),
                                ("classifier-steps", "0"), ("window-classifier-steps", "0"), ("chunk", "0"),
                                ("gap", "-1"), ("raw-every", "0"), ("threads", "100000")] {
            try assertRefused(["eval", "--model", "m.safetensors", "--\(option)=\(value)"], naming: option)
        }
    }

    /// frame-step / source-fps must give a lamp time per step the model format can store.
    func testStepSecondsOutOfTheFormatsRange() throws {
        let dir = temporaryDirectory(prefix: "duralava-cli-")
        let r = try runProcess(tool, ["train", "--data", ".", "--frame-step", "1000", "--source-fps", "0.01", "--out", "r"],
                            currentDirectory: dir)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("step_seconds"), r.stderr)
    }
}
