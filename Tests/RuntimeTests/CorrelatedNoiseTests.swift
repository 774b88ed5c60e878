import DuralavaKernels
import DuralavaRuntime
import XCTest

/// The RNN's noise: fresh every step by default (the same draws as before it existed), an
/// AR(1) process with the model's `rnn.noise_correlation` otherwise, read from and written to
/// the file's metadata.
final class CorrelatedNoiseTests: XCTestCase {
    func testZeroCorrelationDrawsExactlyFreshNoise() {
        let noise = CorrelatedNoise(count: 5, correlation: 0)
        var a = RandomSource(seed: 9), b = RandomSource(seed: 9)
        let plain = UnsafeMutableBufferPointer<Float>.allocate(capacity: 5)
        defer { plain.deallocate() }
        for _ in 0..<20 {
            noise.advance(&a)
            b.fillGaussian(plain)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: noise.values, count: 5)), Array(plain))
        }
    }

    func testCorrelatedNoiseHasUnitVarianceAndItsLagOneCorrelation() {
        for rho: Float in [0.5, 0.9] {
            let noise = CorrelatedNoise(count: 4, correlation: rho)
            var random = RandomSource(seed: 3)
            var previous = [Float](repeating: 0, count: 4)
            var sumSquares = 0.0, sumProducts = 0.0, n = 0
            for t in 0..<50_000 {
                noise.advance(&random)
                let v = Array(UnsafeBufferPointer(start: noise.values, count: 4))
                if t > 0 {
                    for i in 0..<4 { sumSquares += Double(v[i] * v[i]); sumProducts += Double(v[i] * previous[i]) }
                    n += 4
                }
                previous = v
            }
            XCTAssertEqual(sumSquares / Double(n), 1, accuracy: 0.05, "variance at ρ = \(rho)")
            XCTAssertEqual(sumProducts / sumSquares, Double(rho), accuracy: 0.03, "lag-1 correlation at ρ = \(rho)")
        }
    }

    /// The loop follows the RNN's noise correlation: an RNN whose output is its noise gives
    /// consecutive latents as correlated as the noise, and fresh ones after a reseed.
    func testTheLoopFeedsCorrelatedNoise() {
        let dim = 16
        func passNoise() -> LatentRNN {
            // Layer 0 copies the noise half of [z, noise]; layer 1 is the identity (slope 1: linear).
            let pick = Dense(inputCount: 2 * dim, outputCount: dim,
                             weight: (0..<(dim * 2 * dim)).map { $0 % (2 * dim) == dim + $0 / (2 * dim) ? 1 : 0 },
                             bias: [Float](repeating: 0, count: dim))
            let identity = Dense(inputCount: dim, outputCount: dim, weight: (0..<(dim * dim)).map { $0 / dim == $0 % dim ? 1 : 0 },
                                 bias: [Float](repeating: 0, count: dim))
            return LatentRNN(latentDim: dim, noiseDim: dim, residual: false, layers: [pick, identity], leakySlope: 1)
        }
        func meanCosine(_ rho: Float) -> Double {
            let rnn = passNoise()
            if case .float(let r) = rnn { r.noiseCorrelation = rho }
            XCTAssertEqual(rnn.noiseCorrelation, rho)
            let loop = LatentLoop(rnn: rnn, seed: 5)
            var previous = loop.latentArray, sum = 0.0
            for t in 0..<3000 {
                loop.step()
                let z = loop.latentArray
                if t > 0 { sum += Double(zip(z, previous).map { $0 * $1 }.reduce(0, +)) / Double(dim) }
                previous = z
            }
            return sum / 2999
        }
        XCTAssertEqual(meanCosine(0), 0, accuracy: 0.05)
        XCTAssertEqual(meanCosine(0.8), 0.8, accuracy: 0.06)
    }

    func testMetadataRoundTripAndRange() throws {
        var c = ModelConfig.reference()
        XCTAssertNil(c.metadata[ModelSchema.Key.rnnNoiseCorrelation], "absent when 0, so older files read the same")
        c.rnnNoiseCorrelation = 0.9
        XCTAssertEqual(c.metadata[ModelSchema.Key.rnnNoiseCorrelation], "0.9")
        XCTAssertEqual(try ModelConfig(metadata: c.metadata, path: "m").rnnNoiseCorrelation, 0.9)
        var bad = c.metadata
        bad[ModelSchema.Key.rnnNoiseCorrelation] = "1.5"
        XCTAssertThrowsError(try ModelConfig(metadata: bad, path: "lamp.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("rnn.noise_correlation") && "\(error)".contains("lamp.safetensors"), "\(error)")
        }
    }
}
