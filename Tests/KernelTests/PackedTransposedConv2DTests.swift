import DuralavaKernels
import DuralavaSIMD
import TestSupport
import XCTest

/// Shapes the optimized transposed convolutions are checked on: the lamp's layers (the 1×1
/// latent with kernel = stride = 4, stride-2 layers, the 3-channel last layer) and odd ones —
/// odd and non-square frames, 1-, 3- and 5-channel layers, kernels 3 and 5, stride 1.
let packedConvShapes: [TransposedConvGeometry] = [
    // (inH, inW, cin, cout, kh, kw, sh, sw)
    (1, 1, 64, 256, 4, 4, 4, 4), (4, 4, 256, 128, 4, 4, 2, 2), (32, 32, 32, 3, 4, 4, 2, 2),
    (5, 3, 7, 3, 4, 4, 2, 2), (3, 5, 5, 1, 4, 4, 2, 2), (6, 4, 9, 5, 4, 4, 2, 2),
    (7, 7, 3, 17, 3, 3, 2, 2), (2, 5, 12, 24, 5, 5, 2, 2), (4, 4, 8, 16, 3, 3, 1, 1),
    (3, 6, 1, 8, 4, 2, 2, 1), (9, 2, 30, 40, 4, 4, 2, 2), (2, 3, 6, 2, 1, 1, 2, 2),
].map { TransposedConvGeometry(inputHeight: $0.0, inputWidth: $0.1, inputChannels: $0.2, outputChannels: $0.3,
                                kernelHeight: $0.4, kernelWidth: $0.5, strideHeight: $0.6, strideWidth: $0.7) }


/// The optimized float kernel against the reference (TransposedConv2D + Activation) at every
/// vector level of this machine. Tolerance: the float rounding bound of a K-term sum,
/// (K + 2)·2^-23·Σ|b| + |x·w|, plus 1e-6 for the vectorized exp of the sigmoid.
final class PackedTransposedConv2DTests: XCTestCase {
    override func tearDown() { _ = dl_simd_use(DL_SIMD_AVX512VNNI) }

    func testMatchesReferenceOnEveryShapeAndLevel() {
        var rng = TestRandom(state: 11)
        for g in packedConvShapes {
            let w = (0..<(g.kernelHeight * g.kernelWidth * g.outputChannels * g.inputChannels)).map { _ in rng.next() * 0.5 }
            let b = (0..<g.outputChannels).map { _ in rng.next() }
            let x = (0..<(g.inputHeight * g.inputWidth * g.inputChannels)).map { _ in rng.next() * 2 }
            let conv = TransposedConv2D(geometry: g, weight: w, bias: b)
            let magnitude = TransposedConv2D(geometry: g, weight: w.map(abs), bias: b.map(abs))
            var bound = [Float](repeating: 0, count: g.outputCount)
            magnitude.forward(x.map(abs), &bound)
            let k = Float(g.inputChannels * ((g.kernelHeight + g.strideHeight - 1) / g.strideHeight)
                          * ((g.kernelWidth + g.strideWidth - 1) / g.strideWidth))
            for activation in [Activation.leakyReLU(slope: 0.2), .sigmoid, .none] {
                var expected = [Float](repeating: 0, count: g.outputCount)
                conv.forward(x, &expected)
                expected.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: g.outputCount) }
                for level in KernelSet.levelsOfThisMachine {
                    _ = dl_simd_use(level)
                    let packed = PackedTransposedConv2D(conv, activation: activation)
                    var out = [Float](repeating: .nan, count: g.outputCount)
                    packed.forward(x, &out)
                    var worst: Float = 0
                    for i in 0..<out.count {
                        let tolerance = (k + 2) * Float.ulpOfOne * bound[i] + 1e-6
                        worst = max(worst, abs(out[i] - expected[i]) / tolerance)
                    }
                    XCTAssertLessThanOrEqual(worst, 1, "\(g) \(activation) at \(String(cString: dl_simd_name(level)))")
                    // Twice in a row: the staging buffer's border stays as planned.
                    var again = [Float](repeating: .nan, count: g.outputCount)
                    packed.forward(x, &again)
                    XCTAssertEqual(again, out)
                    // The weights read back from the panels are the reference's.
                    XCTAssertEqual(packed.reference.weight, conv.weight)
                    XCTAssertEqual(packed.reference.bias, conv.bias)
                }
            }
        }
    }

    func testPhasesCoverEveryTapOnce() {
        for g in packedConvShapes {
            let plan = TransposedConvPhases(g)
            XCTAssertEqual(plan.phases.count, g.strideHeight * g.strideWidth)
            // Every output pixel is reached through its phase's taps exactly as forEachTap reaches it.
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    var expected: [[Int]] = []
                    g.forEachTap(oy: oy, ox: ox) { iy, ix, ky, kx in expected.append([iy, ix, ky, kx]) }
                    let phase = plan.phases[(oy % g.strideHeight) * g.strideWidth + ox % g.strideWidth]
                    let m = oy / g.strideHeight, n = ox / g.strideWidth
                    let got = phase.taps.map { [m + $0.dy, n + $0.dx, $0.ky, $0.kx] }
                        .filter { $0[0] >= 0 && $0[0] < g.inputHeight && $0[1] >= 0 && $0[1] < g.inputWidth }
                    XCTAssertEqual(got, expected, "\(g) output (\(oy), \(ox))")
                }
            }
        }
    }

    func testSigmoidIsCloseToLibmAndKeepsNaN() {
        for level in KernelSet.levelsOfThisMachine {
            _ = dl_simd_use(level)
            var x = stride(from: Float(-100), through: 100, by: 0.0371).map { $0 }
            let expected = x.map { 1 / (1 + expf(-$0)) }
            dl_sigmoid(&x, Int32(x.count))
            for i in 0..<x.count { XCTAssertEqual(x[i], expected[i], accuracy: 1e-6) }
            var nan: [Float] = [.nan, 0, .nan, 1, 2, 3, 4, 5, .nan]
            dl_sigmoid(&nan, Int32(nan.count))
            XCTAssertTrue(nan[0].isNaN && nan[2].isNaN && nan[8].isNaN, "\(nan)")
        }
    }
}
