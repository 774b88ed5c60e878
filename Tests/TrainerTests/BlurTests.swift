import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer

final class BlurTests: XCTestCase {
    func testTapsAreBinomial() {
        XCTAssertEqual(Blur(radius: 1).taps, [0.25, 0.5, 0.25])
        XCTAssertEqual(Blur(radius: 2).taps, [1, 4, 6, 4, 1].map { Float($0) / 16 })
    }

    func testImpulseGivesTheOuterProductAndEdgesTruncate() {
        let blur = Blur(radius: 2)
        let x = Tensor(shape: [1, 7, 6, 2])
        x.pointer[(3 * 6 + 2) * 2 + 1] = 1  // channel 1 at (3, 2)
        let y = blur.forward(x, state: blur.makeState(), training: false)
        for r in 0..<7 {
            for c in 0..<6 {
                let dr = r - 3 + 2, dc = c - 2 + 2
                let expected = (0..<5).contains(dr) && (0..<5).contains(dc) ? blur.taps[dr] * blur.taps[dc] : 0
                XCTAssertEqual(y.pointer[(r * 6 + c) * 2 + 1], expected, accuracy: 1e-7, "(\(r), \(c))")
                XCTAssertEqual(y.pointer[(r * 6 + c) * 2], 0, "other channel untouched")
            }
        }
        // A constant image stays constant away from the border and loses the cut-off taps at it.
        x.fill(1)
        let z = blur.forward(x, state: blur.makeState(), training: false)
        XCTAssertEqual(z.pointer[(3 * 6 + 3) * 2], 1, accuracy: 1e-6)
        XCTAssertEqual(z.pointer[0], (11.0 / 16) * (11.0 / 16), accuracy: 1e-6)
    }

    func testGradient() {
        checkGradients(Blur(radius: 1), input: randomTensor([2, 5, 4, 3], seed: 21))
        checkGradients(Blur(radius: 2), input: randomTensor([1, 6, 7, 2], seed: 22))
    }
}
