// The text the trainer prints, pinned byte for byte: the ETA in the training log, the profiler's
// table and the simulator's messages keep their exact form while their formatting lives in the
// runtime's one helper (EvalFormat).

import Foundation
import TestSupport
import XCTest
import DuralavaTrainer
import DuralavaRuntime

final class TextFormattingTests: XCTestCase {
    func testTrainingETA() {
        let cases: [(Double, String)] = [(0, "0s"), (0.4, "0s"), (9.6, "10s"), (59.4, "59s"), (59.6, "1m00s"), (185, "3m05s"),
                                         (3599.4, "59m59s"), (3600, "1h00m"), (3725, "1h02m"), (90061, "25h01m"),
                                         (.nan, "?"), (.infinity, "?")]
        for (seconds, text) in cases { XCTAssertEqual(formatDuration(seconds), text, "\(seconds)") }
    }

    func testProfilerTable() {
        Profiler.reset()
        Profiler.enabled = true
        defer { Profiler.enabled = false; Profiler.reset() }
        Profiler.measure("layer 0 forward") { }
        Profiler.measure("layer 0 forward") { }
        // Well under half a millisecond each: the table reads 0.000 s.
        XCTAssertEqual(Profiler.report(), "0.000 s  2\tlayer 0 forward")
    }

    func testSimulatorMessages() throws {
        let tool = productPath("duralava-train")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runProcess(tool, ["simulate", "--frames", "2", "--size", "16x16", "--fps", "7.5", "--warm-up", "1",
                                      "--out", dir + "/lamp.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "wrote an animated PNG of 2 frames of 16x16 at 7.50 fps to \(dir)/lamp.png\n")
        let dry = try runProcess(tool, ["simulate", "--dry-run", "--frames", "2", "--size", "16x16", "--warm-up", "1"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        // "in 0.00 s:": the seconds with exactly two decimals.
        let seconds = dry.stderr.split(separator: " ")[6]
        XCTAssertTrue(seconds.wholeMatch(of: /[0-9]+\.[0-9][0-9]/) != nil, dry.stderr)
    }
}
