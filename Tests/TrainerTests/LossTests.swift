import TestSupport
import XCTest
import DuralavaTrainer

/// Central-difference check of a loss function's gradient (Double accumulation; tolerance
/// as in GradientCheck.swift).
func checkLossGradient(_ x: Tensor, h: Float = 1e-2, tolerance: GradientCheckTolerance = GradientCheckTolerance(),
                       _ loss: (Tensor, Tensor?) -> Float, file: StaticString = #filePath, line: UInt = #line) {
    let g = Tensor(shape: x.shape)
    _ = loss(x, g)
    for i in 0..<x.count {
        let saved = x[i]
        x[i] = saved + h
        let lp = Double(loss(x, nil))
        x[i] = saved - h
        let lm = Double(loss(x, nil))
        x[i] = saved
        let n = (lp - lm) / (2 * Double(h))
        XCTAssertTrue(tolerance.accepts(Double(g[i]), n), "∂L/∂x[\(i)]: analytic \(g[i]), numeric \(n)", file: file, line: line)
    }
}

final class LossTests: XCTestCase {
    func testBCEWithLogitsValuesAndGradient() {
        let l = Tensor(shape: [4], values: [0, 2, -3, 40])
        // −log σ(l) for target 1.
        let expected = ([0, 2, -3, 40] as [Double]).map { log1p(exp(-$0)) }.reduce(0, +) / 4
        XCTAssertEqual(Double(Loss.binaryCrossEntropyWithLogits(logits: l, target: 1)), expected, accuracy: 1e-6)
        // Large negative logit with target 1: no overflow.
        XCTAssertEqual(Loss.binaryCrossEntropyWithLogits(logits: Tensor(shape: [1], values: [-100]), target: 1), 100, accuracy: 1e-3)
        let x = randomTensor([3, 2], seed: 40, std: 2)
        checkLossGradient(x) { Loss.binaryCrossEntropyWithLogits(logits: $0, target: 0, gradient: $1) }
        let t = Tensor(shape: [3, 2], values: [1, 0, 0.3, 1, 0, 0.9])
        checkLossGradient(x) { Loss.binaryCrossEntropyWithLogits(logits: $0, targets: t, gradient: $1, scale: 2) }
    }

    func testMSE() {
        let p = Tensor(shape: [3], values: [1, 2, 3]), t = Tensor(shape: [3], values: [1, 0, 5])
        XCTAssertEqual(Loss.meanSquaredError(prediction: p, target: t), 8.0 / 3, accuracy: 1e-6)
        checkLossGradient(randomTensor([2, 3], seed: 41)) { x, g in
            Loss.meanSquaredError(prediction: x, target: randomTensor([2, 3], seed: 42), gradient: g)
        }
    }

    func testMomentPenaltyValue() {
        // A symmetric two-point sample: mean 0, std 1, skew 0, kurtosis 1 → penalty (1 − 3)² = 4.
        let x = Tensor(shape: [1, 4], values: [1, -1, 1, -1])
        XCTAssertEqual(MomentPenalty.evaluate(latents: x, epsilon: 0), 4, accuracy: 1e-6)
        // Shifted and scaled: mean 2, std 3 → 4 + (3 − 1)² + 0 + 4 = 12.
        let y = Tensor(shape: [1, 4], values: [5, -1, 5, -1])
        XCTAssertEqual(MomentPenalty.evaluate(latents: y, epsilon: 0), 12, accuracy: 1e-5)
    }

    func testMomentPenaltyGradient() {
        let x = randomTensor([3, 8], seed: 43)
        // Skewed sample too.
        for i in 0..<8 { x[16 + i] = exp(x[16 + i] * 0.7) }
        checkLossGradient(x, h: 1e-3) { MomentPenalty.evaluate(latents: $0, gradient: $1, scale: 0.5) }
    }

    func testScalePenaltyValueAndGradient() {
        // Two-point sample: std 3 → (3 − 1)² = 4; a second with std 1 adds 0; mean over samples 2.
        let x = Tensor(shape: [2, 4], values: [5, -1, 5, -1, 1, -1, 1, -1])
        XCTAssertEqual(ScalePenalty.evaluate(latents: x, epsilon: 0), 2, accuracy: 1e-6)
        let y = randomTensor([3, 8], seed: 44, std: 1.7)
        checkLossGradient(y, h: 1e-3) { ScalePenalty.evaluate(latents: $0, gradient: $1, scale: 0.5) }
    }
}
