// The text the tools print, pinned byte for byte: the ETA in the training log, the profiler's
// table, the simulator's messages, the window's speed note and the forms the other tools use keep
// their exact form now that their formatting lives in the runtime's one helper (NumberFormat).

import DuralavaNN
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
        for (seconds, text) in cases { XCTAssertEqual(NumberFormat.duration(seconds, tenths: false), text, "\(seconds)") }
    }

    func testTheFormsTheToolsUse() {
        // The profiler's seconds (once formatSeconds): milliseconds, three digits after the point.
        for (x, text) in [(0.0, "0.000"), (0.0004, "0.000"), (0.0005, "0.001"), (1.5, "1.500"), (12.0, "12.000"), (83.25, "83.250")] {
            XCTAssertEqual(NumberFormat.fixed(x, 3), text)
        }
        // The window's speed note (once speedText) for every speed step, and a few others.
        let speeds: [(Double, String)] = [(0.25, "0.25"), (0.5, "0.5"), (1, "1"), (1.5, "1.5"), (2, "2"), (3, "3"), (4, "4"),
                                          (10, "10"), (0.125, "0.13"), (0, "0")]
        for (x, text) in speeds { XCTAssertEqual(NumberFormat.trimmed(x, 2), text) }
        XCTAssertEqual(NumberFormat.trimmed(100, 0), "100", "no point, no zeros to drop")
        // The inspect table (once InspectCommand.format): rounded, then as Swift writes a Double.
        let inspect: [(Double, Int, String)] = [(0.75, 3, "0.75"), (1.4719, 3, "1.472"), (40, 1, "40.0"), (43.44, 1, "43.4"),
                                                (0.00001, 3, "0.0"), (.infinity, 1, "inf"), (.nan, 1, "inf")]
        for (x, d, text) in inspect { XCTAssertEqual(NumberFormat.rounded(x, d), text) }
        // The model metadata (once formatFloat): the shortest text that reads back as the same Float.
        for (x, text) in [(Float(0.2), "0.2"), (0.001, "0.001"), (1e-05, "1e-05"), (3, "3.0"), (0.1 + 0.2, "0.3"), (1.0 / 3, "0.33333334")] {
            XCTAssertEqual(NumberFormat.shortest(x), text)
            XCTAssertEqual(Float(NumberFormat.shortest(x)), x)
        }
        // Ordinals (frame steps, held-out chunks): never "1th", "2th", "11st".
        for (n, text) in [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (6, "6th"), (11, "11th"), (12, "12th"), (13, "13th"),
                          (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")] {
            XCTAssertEqual(NumberFormat.ordinal(n), text)
        }
        // The report's durations keep tenths below a minute.
        XCTAssertEqual(NumberFormat.duration(12.34), "12.3s")
        XCTAssertEqual(NumberFormat.duration(185), "3m05s")
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
