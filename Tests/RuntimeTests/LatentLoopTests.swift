import DuralavaKernels
import DuralavaRuntime
import TestSupport
import XCTest

/// Drives the loop with adversarial RNNs and checks it stays bounded and keeps moving.
final class LatentLoopTests: XCTestCase {
    let dim = 16

    /// A one-layer RNN y = W z + b (hidden layer of identity).
    func rnn(weight: (Int, Int) -> Float, bias: (Int) -> Float = { _ in 0 }, residual: Bool = false) -> LatentRNN {
        var w = [Float](repeating: 0, count: dim * dim)
        for o in 0..<dim { for i in 0..<dim { w[o * dim + i] = weight(o, i) } }
        let identity = Dense(inputCount: dim, outputCount: dim,
                             weight: (0..<(dim * dim)).map { $0 / dim == $0 % dim ? 1 : 0 }, bias: [Float](repeating: 0, count: dim))
        let out = Dense(inputCount: dim, outputCount: dim, weight: w, bias: (0..<dim).map(bias))
        // LeakyReLU with slope 1 is the identity, so the network is exactly y = W z + b.
        return LatentRNN(latentDim: dim, noiseDim: 0, residual: residual, layers: [identity, out], leakySlope: 1)
    }

    /// Runs `steps` steps; asserts every latent is finite, renormalized and clamped, and that
    /// the lamp moved in every window of 100 steps.
    func drive(_ loop: LatentLoop, steps: Int, file: StaticString = #filePath, line: UInt = #line) {
        var windowMotion: Float = 0
        for t in 1...steps {
            loop.step()
            let z = loop.latentArray
            XCTAssertTrue(z.allSatisfy { $0.isFinite && abs($0) <= loop.settings.clampLimit }, "step \(t)", file: file, line: line)
            let m = Moments(z)
            XCTAssertEqual(m.mean, 0, accuracy: 0.3, file: file, line: line)
            XCTAssertEqual(m.std, 1, accuracy: 0.3, file: file, line: line)
            windowMotion = max(windowMotion, loop.lastChange)
            if t % 100 == 0 {
                XCTAssertGreaterThan(windowMotion, 0.01, "frozen in the window ending at step \(t)", file: file, line: line)
                windowMotion = 0
            }
        }
    }

    func testExplodingWeightsAreReseededAndStayBounded() {
        let loop = LatentLoop(rnn: rnn(weight: { o, i in Float((o * 7 + i * 3) % 5) * 1e6 }), seed: 1)
        drive(loop, steps: 500)
        XCTAssertGreaterThan(loop.counters.saturatedReseeds, 0)
    }

    func testOverflowToInfinityIsCaughtAsNonFinite() {
        let loop = LatentLoop(rnn: rnn(weight: { o, i in (o + i) % 2 == 0 ? 3e38 : -3e38 }), seed: 2)
        drive(loop, steps: 300)
        XCTAssertGreaterThan(loop.counters.nonFiniteReseeds, 0)
    }

    func testCollapseToAFixedPointIsWokenUp() {
        // Output independent of z: the lamp would freeze on one latent forever.
        let loop = LatentLoop(rnn: rnn(weight: { _, _ in 0 }, bias: { Float($0 % 5) }), seed: 3)
        drive(loop, steps: 1000)
        XCTAssertGreaterThan(loop.counters.stallInjections, 5)
        XCTAssertEqual(loop.counters.cycleInjections, 0)
    }

    func testConstantOutputIsReseeded() {
        // All outputs equal: renormalization is impossible (std 0).
        let loop = LatentLoop(rnn: rnn(weight: { _, _ in 0 }, bias: { _ in 1 }), seed: 4)
        drive(loop, steps: 300)
        XCTAssertEqual(loop.counters.saturatedReseeds, 300)
    }

    func testPeriodTwoOscillationIsBroken() {
        // y = −z: renormalize(−z) = −z, so the lamp flips between two pictures forever.
        let loop = LatentLoop(rnn: rnn(weight: { o, i in o == i ? -1 : 0 }), seed: 5)
        var seen = Set<[Float]>()
        for _ in 0..<1000 { loop.step(); seen.insert(loop.latentArray) }
        XCTAssertGreaterThan(loop.counters.cycleInjections, 5)
        XCTAssertGreaterThan(seen.count, 40, "the lamp leaves its 2-cycle")
        drive(loop, steps: 300)
    }

    func testLongerCycleIsBroken() {
        // A permutation of period 5 on the coordinates.
        let loop = LatentLoop(rnn: rnn(weight: { o, i in i == (o + 1) % 5 + (o / 5) * 5 && o < 15 ? 1 : (o == 15 && i == 15 ? 1 : 0) }), seed: 6)
        for _ in 0..<1000 { loop.step() }
        XCTAssertGreaterThan(loop.counters.cycleInjections, 3)
    }

    func testHealthyChaoticRNNNeedsNoGuard() {
        // A tent map on permuted coordinates, y_i = 1 − 0.8·|z_π(i)|: chaotic, never settling.
        // LeakyReLU with slope −1 is |x|.
        let abs = Dense(inputCount: dim, outputCount: dim,
                        weight: (0..<(dim * dim)).map { $0 / dim == ($0 % dim + 3) % dim ? 1 : 0 },
                        bias: [Float](repeating: 0, count: dim))
        let tent = Dense(inputCount: dim, outputCount: dim,
                         weight: (0..<(dim * dim)).map { $0 / dim == $0 % dim ? -0.8 : 0 },
                         bias: [Float](repeating: 1, count: dim))
        let net = LatentRNN(latentDim: dim, noiseDim: 0, residual: false, layers: [abs, tent], leakySlope: -1)
        let loop = LatentLoop(rnn: net, seed: 7)
        drive(loop, steps: 2000)
        XCTAssertEqual(loop.counters.interventions, 0, "\(loop.counters)")
        XCTAssertEqual(loop.counters.renormalizations, 2000)
    }

    func testStochasticRNNNeedsNoGuard() {
        // y = 0.9·z + 0.45·noise: a slowly wandering lamp, as a trained stochastic RNN behaves.
        let n = dim
        let l0 = Dense(inputCount: dim + n, outputCount: dim,
                       weight: (0..<(dim * (dim + n))).map { k in
                           let o = k / (dim + n), i = k % (dim + n)
                           return i == o ? 0.9 : (i == dim + o ? 0.45 : 0)
                       }, bias: [Float](repeating: 0, count: dim))
        let id = Dense(inputCount: dim, outputCount: dim,
                       weight: (0..<(dim * dim)).map { $0 / dim == $0 % dim ? 1 : 0 }, bias: [Float](repeating: 0, count: dim))
        let net = LatentRNN(latentDim: dim, noiseDim: n, residual: false, layers: [l0, id], leakySlope: 1)
        let loop = LatentLoop(rnn: net, seed: 9)
        drive(loop, steps: 5000)
        XCTAssertEqual(loop.counters.interventions, 0, "\(loop.counters)")
    }

    func testReseedStartsFromTheModelsStartLatents() {
        let starts: [Float] = (0..<(3 * dim)).map { Float(($0 * 7919) % 23) - 11 }
        let loop = LatentLoop(rnn: rnn(weight: { o, i in o == i ? 1 : 0 }), seed: 4, startLatents: starts)
        var expected: [[Float]] = (0..<3).map { k in
            var z = Array(starts[(k * dim)..<((k + 1) * dim)])
            renormalize(&z, count: dim)
            return z
        }
        var seen = Set<Int>()
        for _ in 0..<40 {
            loop.reseed()
            let k = expected.firstIndex(of: loop.latentArray)
            XCTAssertNotNil(k, "a reseed lands on a start latent")
            if let k { seen.insert(k) }
        }
        XCTAssertEqual(seen, [0, 1, 2])
        expected.removeAll()
    }

    func testSameSeedSameTrajectory() {
        let make = { LatentLoop(rnn: self.rnn(weight: { o, i in Float((o * 5 + i) % 7) - 3 }), seed: 99) }
        let a = make(), b = make()
        for _ in 0..<50 { a.step(); b.step() }
        XCTAssertEqual(a.latentArray, b.latentArray)
    }
}
