import Foundation
import TestSupport
import XCTest

/// `duralava-train simulate --dry-run` times the simulator and says so on stderr (its message
/// goes through the shared printError; a local helper of the same name once called itself).
final class SimulateCommandTests: XCTestCase {
    func testDryRunReportsTheRate() throws {
        let tool = productPath("duralava-train")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
        let r = try runProcess(tool, ["simulate", "--dry-run", "--frames", "3"])
        XCTAssertEqual(r.reason, .exit)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("rendered 3 frames of 64x64 in "), r.stderr)
        XCTAssertTrue(r.stderr.contains(" frames/s (one core"), r.stderr)
    }
}
