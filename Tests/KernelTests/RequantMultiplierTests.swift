import TestSupport
import XCTest
import DuralavaKernels

final class RequantMultiplierTests: XCTestCase {
    func testRepresentsScaleClosely() {
        for real in [0.000123, 0.0071, 0.25, 0.5, 0.75, 0.999999, 1.0, 3.7] {
            let m = RequantMultiplier(real)
            XCTAssertEqual(m.realValue, real, accuracy: real * 1e-9, "scale \(real)")
            XCTAssertGreaterThanOrEqual(m.multiplier, 1 << 30)
        }
    }

    func testApplyRoundsLikeFloat() {
        let real = 0.0123456
        let m = RequantMultiplier(real)
        for x: Int32 in [-100_000, -12_345, -1, 0, 1, 77, 40_000, 1_000_000] {
            let expected = (Double(x) * real).rounded(.toNearestOrAwayFromZero)
            XCTAssertEqual(Double(m.apply(x)), expected, accuracy: 1, "x = \(x)")
        }
        XCTAssertEqual(RequantMultiplier(0.5).apply(3), 2)   // 1.5 rounds away from zero
        XCTAssertEqual(RequantMultiplier(0.5).apply(-3), -2)
    }
}
