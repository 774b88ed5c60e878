import DuralavaKernels
import DuralavaSIMD
import TestSupport
import XCTest

/// The optimized dense layers against Dense (+ LeakyReLU) and Int8Dense, and the vectorized
/// sigmoid table against its scalar `apply`, at every vector level of this machine.
final class PackedDenseTests: XCTestCase {
    override func tearDown() { _ = dl_simd_use(DL_SIMD_AVX512VNNI) }

    func testFloatDenseMatchesReference() {
        var rng = TestRandom(state: 31)
        for (nIn, nOut) in [(80, 512), (512, 64), (3, 5), (17, 33), (1, 1)] {
            let w = (0..<(nIn * nOut)).map { _ in rng.next() * 0.3 }
            let b = (0..<nOut).map { _ in rng.next() }
            let x = (0..<nIn).map { _ in rng.next() * 2 }
            let dense = Dense(inputCount: nIn, outputCount: nOut, weight: w, bias: b)
            var expected = [Float](repeating: 0, count: nOut)
            dense.forward(x, &expected)
            expected.withUnsafeMutableBufferPointer { Activation.leakyReLU(slope: 0.2).apply($0.baseAddress!, count: nOut) }
            let bound = (0..<nOut).map { o in abs(b[o]) + (0..<nIn).reduce(Float(0)) { $0 + abs(w[o * nIn + $1] * x[$1]) } }
            for level in KernelSet.levelsOfThisMachine {
                _ = dl_simd_use(level)
                let packed = PackedDense(dense, activation: .leakyReLU(slope: 0.2))
                var y = [Float](repeating: .nan, count: nOut)
                packed.forward(x, &y)
                for o in 0..<nOut {
                    XCTAssertEqual(y[o], expected[o], accuracy: Float(nIn + 2) * Float.ulpOfOne * bound[o] + 1e-7,
                                   "\(nIn)→\(nOut) output \(o) at \(String(cString: dl_simd_name(level)))")
                }
            }
        }
    }

    func testInt8DenseEqualsReference() {
        var rng = TestRandom(state: 37)
        for (nIn, nOut) in [(80, 512), (512, 64), (3, 5), (17, 33), (4, 16)] {
            let w = (0..<(nIn * nOut)).map { _ in Int8(Int(rng.next() * 127)) }
            let b = (0..<nOut).map { _ in Int32(rng.next() * 30000) }
            let x = (0..<nIn).map { _ in Int8(Int(rng.next() * 127.9)) }
            let stage = OutputStage(accumulatorScales: (0..<nOut).map { _ in Double(2e-4 * (rng.next() + 1.5)) }, slope: 0.2,
                                    output: ActivationQuantization(scale: 0.05, zeroPoint: -7))
            let dense = Int8Dense(inputCount: nIn, outputCount: nOut, weight: w, bias: b, inputZeroPoint: 9, stage: stage)
            var expected = [Int8](repeating: 0, count: nOut)
            dense.forward(x, &expected)
            for level in KernelSet.levelsOfThisMachine {
                _ = dl_simd_use(level)
                var y = [Int8](repeating: 0, count: nOut)
                Int8PackedDense(dense).forward(x, &y)
                XCTAssertEqual(y, expected, "\(nIn)→\(nOut) at \(String(cString: dl_simd_name(level)))")
            }
        }
    }

    func testSigmoidTablePixelsEqualApply() {
        var rng = TestRandom(state: 41)
        let logits = ActivationQuantization(scale: 0.06, zeroPoint: 4)
        for scales in [[1.3e-4], [1.1e-4, 2.7e-4, 0.9e-4]] {
            let table = SigmoidTable(logits: logits, accumulatorScales: scales, channels: 3)
            let acc = (0..<(3 * 347)).map { _ in Int32(rng.next() * 2_000_000) } + [Int32.max, Int32.min, 0]
            let expected = acc.indices.map { table.apply(acc[$0], channel: $0 % 3) }
            for level in KernelSet.levelsOfThisMachine {
                _ = dl_simd_use(level)
                var got = [UInt8](repeating: 0, count: acc.count)
                table.pixels(acc, count: acc.count, into: &got)
                XCTAssertEqual(got, expected, "scales \(scales) at \(String(cString: dl_simd_name(level)))")
            }
        }
    }
}
