import DuralavaNN
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

    func testLatentMMDPenaltyGradientAndValue() {
        var rng = RandomGenerator(seed: 12)
        let z = Tensor(shape: [5, 6]), prior = Tensor(shape: [7, 6])
        rng.fillGaussian(z.buffer); rng.fillGaussian(prior.buffer)
        checkLossGradient(z, h: 1e-2) { x, g in LatentMMDPenalty.evaluate(latents: x, prior: prior, gradient: g, scale: 3) }
        // Codes drawn like the prior sit near 0; codes far off it do not.
        let like = Tensor(shape: [64, 6]), many = Tensor(shape: [64, 6]), off = Tensor(shape: [64, 6])
        rng.fillGaussian(like.buffer); rng.fillGaussian(many.buffer); rng.fillGaussian(off.buffer)
        for i in 0..<off.count { off[i] = 0.2 * off[i] + 2 }
        let near = LatentMMDPenalty.evaluate(latents: like, prior: many), far = LatentMMDPenalty.evaluate(latents: off, prior: many)
        XCTAssertLessThan(abs(near), 0.3 * far, "near \(near), far \(far)")
        XCTAssertGreaterThan(far, 0)
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

/// The gradient difference loss: zero for a perfect reconstruction (and for one off by a
/// constant), positive for grain, and its gradient is the finite difference of its value.
final class GradientDifferenceLossTests: XCTestCase {
    func testValueAndGradient() {
        let x = randomTensor([2, 4, 5, 3], seed: 1)
        let g0 = Tensor(shape: x.shape)
        XCTAssertEqual(GradientDifferenceLoss.evaluate(prediction: x, target: x, gradient: g0, scale: 3), 0)
        let shifted = Tensor(shape: x.shape)
        for i in 0..<x.count { shifted[i] = x[i] + 0.25 }
        XCTAssertEqual(GradientDifferenceLoss.evaluate(prediction: shifted, target: x, gradient: Tensor(shape: x.shape), scale: 3), 0,
                       accuracy: 1e-5, "a uniform offset has the same differences")

        // A flat target and a grainy ±0.01 prediction: every pair differs by 0 or 0.02.
        let flat = Tensor(shape: [1, 3, 3, 1]), grain = Tensor(shape: [1, 3, 3, 1])
        for i in 0..<9 { flat[i] = 0.5; grain[i] = 0.5 + (i % 2 == 0 ? 0.01 : -0.01) }
        let v = GradientDifferenceLoss.evaluate(prediction: grain, target: flat, gradient: Tensor(shape: flat.shape), scale: 1)
        XCTAssertEqual(v, 0.02, accuracy: 1e-6, "12 pairs, each 0.02 apart (a checkerboard)")

        // Analytic gradient against central differences (away from the kinks of |d|).
        let p = randomTensor(x.shape, seed: 2)
        let analytic = Tensor(shape: x.shape)
        _ = GradientDifferenceLoss.evaluate(prediction: p, target: x, gradient: analytic, scale: 2)
        for i in probeIndices(x.count, seed: 3) {
            let h: Float = 1e-3, keep = p[i]
            p[i] = keep + h
            let up = GradientDifferenceLoss.evaluate(prediction: p, target: x, gradient: Tensor(shape: x.shape), scale: 2)
            p[i] = keep - h
            let down = GradientDifferenceLoss.evaluate(prediction: p, target: x, gradient: Tensor(shape: x.shape), scale: 2)
            p[i] = keep
            XCTAssertEqual(Double(analytic[i]), Double(up - down) / Double(2 * h), accuracy: 2e-3, "element \(i)")
        }
    }
}

/// The frame statistics loss: soft histograms that sum to 1, zero for a set against itself,
/// a flat frame's pairs all in the flat bin, and the gradient is the finite difference of the
/// value.
final class FrameStatisticsLossTests: XCTestCase {
    func testHistogramsOfFlatAndCentredFrames() {
        let colours = FrameStatisticsLoss.colourBins * FrameStatisticsLoss.colourBins * FrameStatisticsLoss.colourBins
        // Every pixel at the centre of cell (1, 2, 5): all colour mass there, every pair flat.
        let flat = Tensor(shape: [2, 4, 6, 3])
        for p in 0..<(2 * 4 * 6) { flat[3 * p] = 1.5 / 8; flat[3 * p + 1] = 2.5 / 8; flat[3 * p + 2] = 5.5 / 8 }
        let h = FrameStatisticsLoss.histograms(flat)
        XCTAssertEqual(h[(1 * 8 + 2) * 8 + 5], 1, accuracy: 1e-5)
        XCTAssertEqual(h[colours], 1, accuracy: 1e-5, "every neighbour pair is flat")
        XCTAssertEqual(h[0..<colours].reduce(0, +), 1, accuracy: 1e-5)

        // A checkerboard of ±0.01: luma steps of 0.02 (2^-5.6), between the bins 2^-6 and 2^-5.
        let grain = Tensor(shape: [1, 4, 4, 3])
        for y in 0..<4 { for x in 0..<4 { for c in 0..<3 { grain[3 * (y * 4 + x) + c] = 0.5 + ((x + y) % 2 == 0 ? 0.01 : -0.01) } } }
        let g = FrameStatisticsLoss.histograms(grain)
        let sharp = Array(g[colours...])
        XCTAssertEqual(sharp.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(sharp[0], 0, "no flat pairs in a checkerboard")
        // m = √2·0.02 = 0.0283: log2 = −5.14, so weight 0.86 on 2^-5 and 0.14 on 2^-6.
        let t = log2(Float(2).squareRoot() * 0.02)
        XCTAssertEqual(sharp[6], (t + 6) , accuracy: 1e-3)
        XCTAssertEqual(sharp[5], 1 - (t + 6), accuracy: 1e-3)
    }

    func testValueAndGradient() {
        let x = randomTensor([2, 4, 5, 3], seed: 5, std: 0.2)
        for i in 0..<x.count { x[i] = min(0.98, max(0.02, 0.5 + x[i])) }
        XCTAssertEqual(FrameStatisticsLoss.evaluate(prediction: x, target: x, gradient: Tensor(shape: x.shape), scale: 3), 0)
        let target = randomTensor([3, 4, 5, 3], seed: 6, std: 0.2)
        for i in 0..<target.count { target[i] = min(0.98, max(0.02, 0.45 + target[i])) }
        let analytic = Tensor(shape: x.shape)
        let v = FrameStatisticsLoss.evaluate(prediction: x, target: target, gradient: analytic, scale: 2)
        XCTAssertGreaterThan(v, 0)
        var checked = 0
        for i in probeIndices(x.count, seed: 7) {
            let h: Float = 2e-4, keep = x[i]
            x[i] = keep + h
            let up = FrameStatisticsLoss.evaluate(prediction: x, target: target, gradient: Tensor(shape: x.shape), scale: 2)
            x[i] = keep - h
            let down = FrameStatisticsLoss.evaluate(prediction: x, target: target, gradient: Tensor(shape: x.shape), scale: 2)
            x[i] = keep
            // The histograms' triangles and |p − q| have kinks; a probe that straddles one has
            // one-sided slopes that disagree and is skipped.
            let right = Double(up - v) / Double(h), left = Double(v - down) / Double(h)
            guard abs(right - left) < 0.01 + 0.05 * abs(right) else { continue }
            XCTAssertEqual(Double(analytic[i]), (right + left) / 2, accuracy: 2e-3 + 0.02 * abs(Double(analytic[i])), "element \(i)")
            if analytic[i] != 0 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 30, "most probed elements are smooth there and have a gradient")
    }
}

/// The 8-bit neighbour-difference loss: on 8-bit frames its histograms are the exact counts of
/// rounded differences, in between they are the expected ones, dark pairs are kept apart from
/// the wax, and the gradient is the finite difference of the value.
final class NeighbourDifferenceLossTests: XCTestCase {
    func testHistogramsCountRoundedDifferencesByRegion() {
        // Random 8-bit frames: differences are whole levels, so the histograms are plain counts.
        var rng = RandomGenerator(seed: 9)
        let frames = Tensor(shape: [2, 5, 6, 3])
        // Frame 0 all background (5–7 levels), frame 1 wax (60–62) with every 4th pixel background.
        for i in 0..<frames.count {
            let pixel = i / 3, background = pixel < 30 || pixel % 4 == 0
            frames[i] = Float(rng.int(below: 3) + (background ? 5 : 60)) / 255
        }
        var counts = [Float](repeating: 0, count: 10)
        for f in 0..<2 { for y in 0..<5 { for x in 0..<6 {
            let a = ((f * 5 + y) * 6 + x) * 3
            for b in [x + 1 < 6 ? a + 3 : -1, y + 1 < 5 ? a + 18 : -1] where b >= 0 {
                let darkLevel: Float = 32 / 255
                let dark = (0..<3).allSatisfy { (c: Int) -> Bool in frames[a + c] < darkLevel && frames[b + c] < darkLevel }
                for c in 0..<3 {
                    let difference: Float = abs(frames[b + c] - frames[a + c]) * 255
                    let levels = Int(difference.rounded())
                    counts[(dark ? 0 : 5) + min(levels, 4)] += 1
                }
            }
        } } }
        var expected = [Float](repeating: 0, count: 10)
        for r in 0..<2 {
            let total = counts[(r * 5)..<(r * 5 + 5)].reduce(0, +)
            for k in 0..<5 { expected[r * 5 + k] = counts[r * 5 + k] / total }
        }
        let h = NeighbourDifferenceLoss.histograms(frames)
        for k in 0..<10 { XCTAssertEqual(h[k], expected[k], accuracy: 1e-5, "bin \(k)") }
        XCTAssertGreaterThan(h[0..<5].reduce(0, +), 0.99, "some dark pairs")
        XCTAssertGreaterThan(h[5..<10].reduce(0, +), 0.99, "some bright pairs")

        // A dark ramp of 0.3 levels a pixel: 70 % of its differences round to 0 levels, 30 % to 1.
        let ramp = Tensor(shape: [1, 1, 8, 3])
        for x in 0..<8 { for c in 0..<3 { ramp[3 * x + c] = (10 + 0.3 * Float(x)) / 255 } }
        let r = NeighbourDifferenceLoss.histograms(ramp)
        XCTAssertEqual(r[0], 0.7, accuracy: 1e-4); XCTAssertEqual(r[1], 0.3, accuracy: 1e-4)
        XCTAssertEqual(r[5..<10].reduce(0, +), 0, "no bright pairs")
    }

    func testValueAndGradient() {
        let x = randomTensor([2, 4, 5, 3], seed: 5, std: 0.01)
        // The first frame dark (background), the second bright (wax); the footage flat in both.
        for i in 0..<x.count { x[i] = max(0, (i < 60 ? 0.05 : 0.5) + x[i]) }
        let footage = Tensor(shape: [2, 4, 5, 3])
        for i in 0..<footage.count { footage[i] = i < 60 ? 0.05 : 0.5 }
        let loss = NeighbourDifferenceLoss(target: NeighbourDifferenceLoss.histograms(footage))
        XCTAssertEqual(loss.evaluate(prediction: footage, gradient: Tensor(shape: footage.shape), scale: 3), 0, "flat against flat")
        let analytic = Tensor(shape: x.shape)
        let v = loss.evaluate(prediction: x, gradient: analytic, scale: 2)
        XCTAssertGreaterThan(v, 0)
        var checked = 0
        for i in probeIndices(x.count, seed: 7) {
            let h: Float = 1e-4, keep = x[i]
            x[i] = keep + h
            let up = loss.evaluate(prediction: x, gradient: Tensor(shape: x.shape), scale: 2)
            x[i] = keep - h
            let down = loss.evaluate(prediction: x, gradient: Tensor(shape: x.shape), scale: 2)
            x[i] = keep
            // The triangles have kinks at whole levels; a probe that straddles one is skipped.
            let right = Double(up - v) / Double(h), left = Double(v - down) / Double(h)
            guard abs(right - left) < 0.01 + 0.05 * abs(right) else { continue }
            XCTAssertEqual(Double(analytic[i]), (right + left) / 2, accuracy: 0.02 + 0.02 * abs(Double(analytic[i])), "element \(i)")
            if analytic[i] != 0 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 30, "most probed elements are smooth there and have a gradient")
    }
}
