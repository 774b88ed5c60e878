import DuralavaConverter
import DuralavaRuntime
import XCTest

/// `quantize --wide-activations auto`: the fewest last layers, from two up, whose int8 lamp
/// moves like the float one, and the motion figure it is chosen by.
final class WideActivationChoiceTests: XCTestCase {
    func testChoosesTheFirstCandidateWhoseMotionPasses() {
        var asked: [Int8Conversion.WideActivations] = []
        let ratios: [Int8Conversion.WideActivations: Double] = [.last(2): 1.132, .last(3): 1.062, .last(4): 1.0]
        let choice = WideActivationChoice(hiddenLayers: 4) { asked.append($0); return ratios[$0]! }
        XCTAssertEqual(asked, [.last(2), .last(3)], "stops at the first that passes")
        XCTAssertEqual(choice.chosen.wide, .last(3))
        XCTAssertTrue(choice.chosen.passes)
        XCTAssertEqual(choice.trials.map(\.motionRatio), [1.132, 1.062])

        let fast = WideActivationChoice(hiddenLayers: 4) { _ in 1.04 }
        XCTAssertEqual(fast.trials.count, 1)
        XCTAssertEqual(fast.chosen.wide, .last(2))

        // Slower than the float lamp counts as much as faster: ×0.85 fails, ×0.9 passes.
        let slow = WideActivationChoice(hiddenLayers: 4) { $0 == .last(2) ? 0.85 : 0.9 }
        XCTAssertEqual(slow.chosen.wide, .last(3))
    }

    func testWithoutAPassingCandidateTakesTheNearestToOne() {
        let ratios: [Int8Conversion.WideActivations: Double] = [.last(2): 2.58, .last(3): 0.8, .last(4): 1.2]
        let choice = WideActivationChoice(hiddenLayers: 4) { ratios[$0]! }
        XCTAssertEqual(choice.trials.map(\.wide), [.last(2), .last(3), .last(4)], "every candidate tried")
        XCTAssertEqual(choice.chosen.wide, .last(4), "×1.2 is nearer ×1 than ×0.8 (1/0.8 = 1.25)")
        XCTAssertFalse(choice.chosen.passes)
        // A generator with one hidden layer has a single candidate.
        XCTAssertEqual(WideActivationChoice(hiddenLayers: 1) { _ in 1.5 }.trials.map(\.wide), [.last(1)])
    }

    /// The figure itself: a lamp against itself moves ×1 exactly; its int8 lamp moves, and differently
    /// with more layers wide (the tiny untrained lamp's rounding noise is large).
    func testMotionRatioOfPairedRuns() throws {
        let float = try Int8ConversionTests.tinyFloat()
        var s = WideActivationChoice.Settings(); s.runs = 2; s.steps = 40; s.burnIn = 5
        XCTAssertEqual(WideActivationChoice.motionRatio(float: float, int8: float, settings: s), 1)
        let calibration = Int8ConversionTests.calibrated(float)
        var ratios: [Double] = []
        for wide in [Int8Conversion.WideActivations.last(1), .all] {
            let bytes = try Int8ConversionTests.convert(float, calibration, wide: wide).writer.serialized()
            let int8 = try LampModel(file: SafetensorsFile(bytes: bytes, path: "q.safetensors"))
            let r = WideActivationChoice.motionRatio(float: float, int8: int8, settings: s)
            XCTAssertTrue(r.isFinite && r > 0, "\(wide): \(r)")
            ratios.append(r)
        }
        XCTAssertNotEqual(ratios[0], ratios[1])
    }
}
