import DuralavaKernels
import DuralavaSIMD
import TestSupport
import XCTest

/// The optimized int8 kernel equals the reference Int8TransposedConv2D bit for bit — codes
/// (int8 and int16 outputs) and raw accumulators, int8 and int16 inputs, per-layer and
/// per-channel stages — on every shape of `packedConvShapes` and every vector level here.
final class Int8PackedTransposedConv2DTests: XCTestCase {
    override func tearDown() { _ = dl_simd_use(DL_SIMD_AVX512VNNI) }

    func testEqualsReferenceBitForBit() {
        var rng = TestRandom(state: 23)
        func int(_ range: ClosedRange<Int32>) -> Int32 {
            let u = (rng.next() + 1) / 2
            return Swift.min(range.upperBound, range.lowerBound + Int32(Float(range.upperBound - range.lowerBound + 1) * u))
        }
        for (index, g) in packedConvShapes.enumerated() {
            let weight = (0..<(g.kernelHeight * g.kernelWidth * g.outputChannels * g.inputChannels)).map { _ in Int8(int(-127...127)) }
            let bias = (0..<g.outputChannels).map { _ in int(-20000...20000) }
            for inputBits in [8, 16] {
                let inputZeroPoint = inputBits == 8 ? int(-128...127) : int(-3000...3000)
                let inputCount = g.inputHeight * g.inputWidth * g.inputChannels
                let x8 = (0..<inputCount).map { _ in Int8(int(-128...127)) }
                let x16 = (0..<inputCount).map { _ in Int16(int(-32768...32767)) }
                for outputBits in [8, 16] {
                    let perChannel = (index + outputBits) % 2 == 0
                    let scales = (0..<(perChannel ? g.outputChannels : 1)).map { _ in Double(1e-5 + 4e-4 * (rng.next() + 1)) }
                    // Wide outputs alternate between 16-bit codes and 14-bit ones (saturating at ±8192).
                    let output = ActivationQuantization(scale: outputBits == 8 ? 0.05 : 0.0004, zeroPoint: int(-20...20), bits: outputBits,
                                                        codeBits: outputBits == 8 ? 8 : (index % 2 == 0 ? 16 : 14))
                    let stage = OutputStage(accumulatorScales: scales, slope: index % 3 == 0 ? 1 : 0.2, output: output)
                    let conv = Int8TransposedConv2D(geometry: g, weight: weight, bias: bias, inputZeroPoint: inputZeroPoint, stage: stage)
                    var expectedAcc = [Int32](repeating: 0, count: g.outputCount)
                    var expected8 = [Int8](repeating: 0, count: g.outputCount), expected16 = [Int16](repeating: 0, count: g.outputCount)
                    if inputBits == 8 {
                        conv.forwardAccumulators(x8, &expectedAcc)
                        if outputBits == 8 { conv.forward(x8, &expected8) } else { conv.forward(x8, &expected16) }
                    } else {
                        conv.forwardAccumulators(x16, &expectedAcc)
                        if outputBits == 8 { conv.forward(x16, &expected8) } else { conv.forward(x16, &expected16) }
                    }
                    for level in KernelSet.levelsOfThisMachine {
                        _ = dl_simd_use(level)
                        let packed = Int8PackedTransposedConv2D(conv, inputBits: inputBits)
                        let what = "\(g) in \(inputBits) out \(outputBits) \(packed.layout) at \(String(cString: dl_simd_name(level)))"
                        var acc = [Int32](repeating: 0, count: g.outputCount)
                        var out8 = [Int8](repeating: 0, count: g.outputCount), out16 = [Int16](repeating: 0, count: g.outputCount)
                        if inputBits == 8 {
                            packed.forwardAccumulators(x8, &acc)
                            if outputBits == 8 { packed.forward(x8, &out8) } else { packed.forward(x8, &out16) }
                        } else {
                            packed.forwardAccumulators(x16, &acc)
                            if outputBits == 8 { packed.forward(x16, &out8) } else { packed.forward(x16, &out16) }
                        }
                        XCTAssertNil(firstDifference(acc, expectedAcc), what)
                        if outputBits == 8 { XCTAssertNil(firstDifference(out8, expected8), what) } else { XCTAssertNil(firstDifference(out16, expected16), what) }
                        XCTAssertEqual(packed.reference.weight, conv.weight, what)
                        XCTAssertEqual(packed.reference.bias, conv.bias, what)
                        if g.outputChannels >= 8 {
                            // 8-bit inputs as bytes where the level has a byte instruction: VNNI's
                            // vpdpbusd (unsigned, +128), Armv8.2's sdot (signed).
                            let vnni = level == DL_SIMD_AVX512VNNI && inputBits == 8
                            let sdot = level == DL_SIMD_NEON_SDOT && inputBits == 8
                            XCTAssertEqual(packed.layout, vnni ? .bytes : sdot ? .signedBytes : .pairs, what)
                        }
                    }
                }
            }
        }
    }

    /// The vector requantization equals the scalar definition on the values where rounding and
    /// saturation matter: ties, both signs, the int32 extremes, tiny and large factors.
    func testRequantizationOfExtremeAccumulators() {
        let g = TransposedConvGeometry(inputHeight: 1, inputWidth: 1, inputChannels: 2, outputChannels: 16,
                                       kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1)
        for (scale, slope) in [(1.0 / 64, 0.25), (3e-9, 1.0), (0.9999, 0.5), (700.0, 0.01)] {
            for bits in [8, 16] {
                let stage = OutputStage(accumulatorScales: [scale], slope: slope,
                                        output: ActivationQuantization(scale: bits == 8 ? 1 : 0.01, zeroPoint: 5, bits: bits))
                // acc = bias + x0·w0 + x1·w1 with x = [1, 0] and w0 = 1 per channel: acc = bias.
                for biases in [[Int32.max, Int32.min, 0, 1, -1, 32, -32, 31, -31, 33, -33, 1_000_000, -1_000_000, 95, -96, 7],
                               (0..<16).map { Int32($0 * 997 - 8000) }] {
                    let conv = Int8TransposedConv2D(geometry: g, weight: [Int8](repeating: 0, count: 32).enumerated().map { $0.offset % 2 == 0 ? 1 : 0 },
                                                    bias: biases.map { $0 == Int32.max ? Int32.max - 1 : $0 }, inputZeroPoint: 0, stage: stage)
                    for level in KernelSet.levelsOfThisMachine {
                        _ = dl_simd_use(level)
                        let packed = Int8PackedTransposedConv2D(conv, inputBits: 8)
                        var expected = [Int16](repeating: 0, count: 16), got = [Int16](repeating: 0, count: 16)
                        let x: [Int8] = [1, 0]
                        if bits == 8 {
                            var e8 = [Int8](repeating: 0, count: 16), g8 = [Int8](repeating: 0, count: 16)
                            conv.forward(x, &e8); packed.forward(x, &g8)
                            expected = e8.map { Int16($0) }; got = g8.map { Int16($0) }
                        } else {
                            conv.forward(x, &expected); packed.forward(x, &got)
                        }
                        XCTAssertEqual(got, expected, "scale \(scale) slope \(slope) bits \(bits) at \(String(cString: dl_simd_name(level)))")
                    }
                }
            }
        }
    }
}

/// The first index where two arrays differ, with both values (a short failure message).
func firstDifference<T: Equatable>(_ got: [T], _ expected: [T]) -> String? {
    if got.count != expected.count { return "\(got.count) values, expected \(expected.count)" }
    guard let i = got.indices.first(where: { got[$0] != expected[$0] }) else { return nil }
    return "element \(i): \(got[i]), expected \(expected[i])"
}
