import DuralavaConverter
import DuralavaKernels
import TestSupport
import XCTest

/// Each int8 kernel against hand-worked integers, against its float twin on random data, and
/// the requantization arithmetic where it is defined exactly.
final class Int8KernelTests: XCTestCase {

    func testActivationQuantizationCoversRangeAndZeroExactly() {
        let q = ActivationQuantization(minimum: -1.3, maximum: 5.2)
        XCTAssertEqual(q.dequantize(q.quantize(0)), 0)
        XCTAssertEqual(q.minimum, -1.3, accuracy: q.scale)
        XCTAssertEqual(q.maximum, 5.2, accuracy: q.scale)
        XCTAssertEqual(q.quantize(100), 127)       // saturates
        XCTAssertEqual(q.quantize(-100), -128)
        for x in stride(from: Float(-1.2), through: 5.1, by: 0.137) {
            XCTAssertEqual(q.dequantize(q.quantize(x)), x, accuracy: q.scale / 2 + 1e-6)
        }
        // A range that does not include 0 is widened to include it.
        let positive = ActivationQuantization(minimum: 2, maximum: 4)
        XCTAssertEqual(positive.zeroPoint, -128)
        XCTAssertEqual(positive.dequantize(-128), 0)
    }

    func testOutputStageHandWorked() {
        // Dyadic scales, so that ties are exact: acc scale 1/64, output scale 1/4, zero point 3:
        // q = 3 + round(acc / 16); the negative side × 0.25: q = 3 + round(acc / 64).
        let out = ActivationQuantization(scale: 0.25, zeroPoint: 3)
        let stage = OutputStage(accumulatorScales: [1.0 / 64], slope: 0.25, output: out)
        XCTAssertEqual(stage.apply(0, channel: 0), 3)
        XCTAssertEqual(stage.apply(24, channel: 0), 5)       // 1.5 rounds away from zero
        XCTAssertEqual(stage.apply(23, channel: 0), 4)
        XCTAssertEqual(stage.apply(-128, channel: 0), 1)     // −8 × 0.25 = −2
        XCTAssertEqual(stage.apply(-32, channel: 0), 2)      // −0.5 rounds away from zero: −1
        XCTAssertEqual(stage.apply(100_000, channel: 0), 127)   // saturates high
        XCTAssertEqual(OutputStage(accumulatorScales: [1.0 / 64], slope: 1, output: out).apply(-100_000, channel: 0), -128)
        // Per-channel: each channel its own factor.
        let two = OutputStage(accumulatorScales: [1.0 / 64, 1.0 / 32], slope: 1, output: out)
        XCTAssertEqual(two.apply(32, channel: 0), 5)
        XCTAssertEqual(two.apply(32, channel: 1), 7)
    }

    func testRequantMultiplierIsExactOnPowersOfTwo() {
        // real = 2^-k: x · real rounded half away from zero is exactly computable.
        for k in 1...20 {
            let m = RequantMultiplier(1 / Double(1 << k))
            for x: Int32 in [-1_000_003, -7, -1, 0, 1, 5, 999_999, Int32.max, Int32.min + 1] {
                let expected = (Double(x) / Double(1 << k)).rounded(.toNearestOrAwayFromZero)
                XCTAssertEqual(Int64(m.apply(x)), Int64(expected), "x \(x) k \(k)")
            }
        }
        XCTAssertEqual(RequantMultiplier(0).apply(123_456), 0)
        XCTAssertEqual(RequantMultiplier(1e-12).multiplier, 0)
        XCTAssertEqual(RequantMultiplier(1000).apply(Int32.max), Int32.max)   // saturates
    }

    func testInt8DenseHandWorked() {
        // x = [3, −2] with zero point 1 → real codes [2, −3]; W = [[1, 2], [−1, 4]]; bias [10, 0].
        let stage = OutputStage(accumulatorScales: [1], slope: 1, output: ActivationQuantization(scale: 1, zeroPoint: 0))
        let d = Int8Dense(inputCount: 2, outputCount: 2, weight: [1, 2, -1, 4], bias: [10, 0], inputZeroPoint: 1, stage: stage)
        var y = [Int8](repeating: 0, count: 2)
        d.forward([3, -2], &y)
        XCTAssertEqual(y, [6, -14])   // 10 + 2 − 6; −2 − 12
    }

    /// The int8 dense layer agrees with the float one on random data within the error the
    /// quantization of inputs, weights and output allows.
    func testInt8DenseMatchesFloat() {
        var rng = TestRandom(state: 5)
        for perChannel in [false, true] {
            let nIn = 80, nOut = 48
            let w = (0..<(nIn * nOut)).map { _ in rng.next() * 0.2 * (1 + Float(Int(rng.next() * 3 + 3))) }
            let b = (0..<nOut).map { _ in rng.next() * 0.3 }
            let x = (0..<nIn).map { _ in rng.next() * 3 }
            let float = Dense(inputCount: nIn, outputCount: nOut, weight: w, bias: b)
            var yf = [Float](repeating: 0, count: nOut)
            float.forward(x, &yf)
            for i in 0..<nOut where yf[i] < 0 { yf[i] *= 0.2 }

            let inQ = ActivationQuantization(minimum: -3, maximum: 3)
            let outQ = ActivationQuantization(minimum: yf.min()!, maximum: yf.max()!)
            let wq = WeightQuantization(w, channels: nOut, perChannel: perChannel) { $0 / nIn }
            let accScales = wq.scales.map { Double(inQ.scale) * Double($0) }
            let bias = (0..<nOut).map { Int32((Double(b[$0]) / accScales[perChannel ? $0 : 0]).rounded()) }
            let q = Int8Dense(inputCount: nIn, outputCount: nOut, weight: wq.values, bias: bias, inputZeroPoint: inQ.zeroPoint,
                              stage: OutputStage(accumulatorScales: accScales, slope: 0.2, output: outQ))
            var yq = [Int8](repeating: 0, count: nOut)
            q.forward(x.map { inQ.quantize($0) }, &yq)
            // Bound: half an output step + input rounding (½ s_in · Σ|w|) + weight rounding (½ s_w · Σ|x|).
            for o in 0..<nOut {
                let row = w[(o * nIn)..<((o + 1) * nIn)]
                let sw = wq.scales[perChannel ? o : 0]
                let bound = outQ.scale / 2 + inQ.scale / 2 * row.reduce(0) { $0 + abs($1) } + sw / 2 * x.reduce(0) { $0 + abs($1) }
                XCTAssertEqual(outQ.dequantize(yq[o]), yf[o], accuracy: bound, "output \(o) perChannel \(perChannel)")
            }
        }
    }

    /// The int8 transposed convolution agrees with the float kernel (same geometry and taps)
    /// on random data, for stride 2 "same" padding and for the kernel = stride first layer.
    func testInt8TransposedConvMatchesFloat() {
        var rng = TestRandom(state: 11)
        for (h, k, s, cin, cout) in [(3, 4, 2, 5, 4), (1, 4, 4, 8, 6), (2, 3, 2, 3, 2)] {
            let g = TransposedConvGeometry(inputHeight: h, inputWidth: h + 1, inputChannels: cin, outputChannels: cout,
                                           kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s)
            let w = (0..<(k * k * cout * cin)).map { _ in rng.next() * 0.5 }
            let b = (0..<cout).map { _ in rng.next() }
            let x = (0..<(h * (h + 1) * cin)).map { _ in rng.next() * 2 + 0.5 }
            let float = TransposedConv2D(geometry: g, weight: w, bias: b)
            var yf = [Float](repeating: 0, count: g.outputCount)
            float.forward(x, &yf)
            let inQ = ActivationQuantization(minimum: x.min()!, maximum: x.max()!)
            let outQ = ActivationQuantization(minimum: yf.min()!, maximum: yf.max()!)
            let wq = WeightQuantization(w, channels: cout, perChannel: true) { ($0 / cin) % cout }
            let accScales = wq.scales.map { Double(inQ.scale) * Double($0) }
            let bias = (0..<cout).map { Int32((Double(b[$0]) / accScales[$0]).rounded()) }
            let q = Int8TransposedConv2D(geometry: g, weight: wq.values, bias: bias, inputZeroPoint: inQ.zeroPoint,
                                         stage: OutputStage(accumulatorScales: accScales, slope: 1, output: outQ))
            var yq = [Int8](repeating: 0, count: g.outputCount)
            q.forward(x.map { inQ.quantize($0) }, &yq)
            let taps = Float((k / s) * (k / s) * cin)
            var worst: Float = 0
            for i in 0..<g.outputCount { worst = max(worst, abs(outQ.dequantize(yq[i]) - yf[i])) }
            // Inputs within 2.5, weights within 0.5: the error budget per product is small.
            let bound = outQ.scale / 2 + taps * (inQ.scale / 2 * 0.5 + wq.scales.max()! / 2 * 2.5)
            XCTAssertLessThan(worst, bound, "geometry \(g)")
            XCTAssertLessThan(worst, 0.1, "geometry \(g)")
        }
    }

    /// Integer kernels are exactly reproducible: the same codes always give the same bytes, and
    /// the reference transposed convolution equals a direct scatter-form sum.
    func testInt8TransposedConvEqualsScatterForm() {
        let g = TransposedConvGeometry(inputHeight: 2, inputWidth: 2, inputChannels: 2, outputChannels: 1,
                                       kernelHeight: 4, kernelWidth: 4, strideHeight: 2, strideWidth: 2)
        let w: [Int8] = (0..<32).map { Int8($0 % 7 - 3) }
        let x: [Int8] = [5, -3, 2, 0, -1, 4, 7, -6]
        let stage = OutputStage(accumulatorScales: [1], slope: 1, output: ActivationQuantization(scale: 1, zeroPoint: 0))
        let q = Int8TransposedConv2D(geometry: g, weight: w, bias: [2], inputZeroPoint: -1, stage: stage)
        var y = [Int8](repeating: 0, count: 16)
        q.forward(x, &y)
        var expected = [Int32](repeating: 2, count: 16)
        for iy in 0..<2 { for ix in 0..<2 { for ky in 0..<4 { for kx in 0..<4 {
            let oy = iy * 2 + ky - 1, ox = ix * 2 + kx - 1
            guard oy >= 0, oy < 4, ox >= 0, ox < 4 else { continue }
            for ci in 0..<2 {
                expected[oy * 4 + ox] += (Int32(x[(iy * 2 + ix) * 2 + ci]) + 1) * Int32(w[(ky * 4 + kx) * 2 + ci])
            }
        } } } }
        XCTAssertEqual(y.map(Int32.init), expected.map { max(-128, min(127, $0)) })
    }

    func testSigmoidTable() {
        // Logits in [−8, 8]; accumulator scale = one 16-bit code (s_L / 256), so acc ↦ code 1:1.
        let q = ActivationQuantization(minimum: -8, maximum: 8)
        let t = SigmoidTable(logits: q, accumulatorScales: [Double(q.scale) / 256])
        func acc(_ x: Float) -> Int32 { Int32((x / t.codeScale).rounded()) }
        XCTAssertEqual(t.apply(acc(0), channel: 0), 128)          // σ(0) · 255 = 127.5 → 128
        XCTAssertEqual(t.apply(acc(-20), channel: 0), 0)          // saturates
        XCTAssertEqual(t.apply(Int32.max, channel: 0), 255)
        var previous: UInt8 = 0
        for a in stride(from: acc(-9), through: acc(9), by: 7) {   // monotone
            let p = t.apply(a, channel: 0)
            XCTAssertGreaterThanOrEqual(p, previous); previous = p
        }
        for x in stride(from: Float(-7.9), through: 7.9, by: 0.37) {
            // Within half a level plus the slope times half a code.
            XCTAssertEqual(Float(t.apply(acc(x), channel: 0)), 255 / (1 + expf(-x)), accuracy: 0.5 + 64 * t.codeScale / 2 + 1e-3)
        }
        // Finer than int8 logits: neighbouring codes of the int8 quantization are ≥ 2 levels
        // apart near 0, the table's codes never more than 1.
        XCTAssertGreaterThanOrEqual(255 * (1 / (1 + expf(-q.scale)) - 0.5), 2 * 0.9)
        for a in acc(-1)..<acc(1) {
            XCTAssertLessThanOrEqual(Int(t.apply(a + 1, channel: 0)) - Int(t.apply(a, channel: 0)), 1)
        }
    }

    func testBatchNormFoldingRefusesNonFinite() {
        var w: [Float] = [1, 2, 3, 4], b: [Float] = [0, 0]
        let ok = BatchNormFolding(gamma: [2, 1], beta: [1, 0], mean: [0.5, 0], variance: [3, 1], epsilon: 1)
        XCTAssertNil(ok.fold(weight: &w, bias: &b, kernelTaps: 1, inputChannels: 2))
        let r: Float = 1 / Float(2).squareRoot()   // channel 0 × 2/√4 = 1, channel 1 × 1/√2
        XCTAssertEqual(w[0], 1); XCTAssertEqual(w[1], 2)
        XCTAssertEqual(w[2], 3 * r, accuracy: 1e-6); XCTAssertEqual(w[3], 4 * r, accuracy: 1e-6)
        XCTAssertEqual(b[0], -0.5 + 1, accuracy: 1e-6)
        var w2: [Float] = [1, 1], b2: [Float] = [0]
        let zero = BatchNormFolding(gamma: [1], beta: [0], mean: [0], variance: [0], epsilon: 0)
        XCTAssertEqual(zero.fold(weight: &w2, bias: &b2, kernelTaps: 1, inputChannels: 2), .nonFinite(channel: 0))
        let negative = BatchNormFolding(gamma: [1], beta: [0], mean: [0], variance: [-1], epsilon: 0.1)
        XCTAssertEqual(negative.fold(weight: &w2, bias: &b2, kernelTaps: 1, inputChannels: 2), .negativeVariance(channel: 0))
    }
}

#if canImport(Glibc)
import Glibc
#endif
