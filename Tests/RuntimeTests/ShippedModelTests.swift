import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// The model `make run` shows: it must load, say it is trained, and run.
final class ShippedModelTests: XCTestCase {
    func testShippedDefaultModelLoadsAndRuns() throws {
        let path = packageRoot + "/models/default.safetensors"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no shipped model in this checkout") }
        let model = try LampModel(path: path)
        XCTAssertTrue(model.isTrained)
        XCTAssertEqual(model.config.frameWidth, 64)
        XCTAssertEqual(model.metadata["provenance.data"], "simulator")
        XCTAssertFalse(model.startLatents.isEmpty)
        let animator = LampAnimator(model: model, seed: 3)
        var first: [UInt8] = []
        for step in 0..<30 {
            animator.render(phase: 0)
            if step == 0 { first = Array(animator.rgb) }
            animator.advance()
        }
        XCTAssertNotEqual(first, Array(animator.rgb), "the lamp moves")
        XCTAssertEqual(animator.loop.counters.interventions, 0, "\(animator.loop.counters)")
    }
}
