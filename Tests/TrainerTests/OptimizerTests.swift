import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer

final class OptimizerTests: XCTestCase {
    func testAdamFirstStepsByHand() {
        let p = Parameter(name: "w", shape: [2])
        p.value.copy(from: Tensor(shape: [2], values: [1, -1]))
        let adam = Adam(parameters: [p], beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        p.gradient.copy(from: Tensor(shape: [2], values: [0.5, -2]))
        adam.step(learningRate: 0.1)
        // Step 1: m̂ = g, v̂ = g², update = lr·sign(g) (up to ε).
        XCTAssertEqual(p.value[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.value[1], -0.9, accuracy: 1e-6)
        p.gradient.copy(from: Tensor(shape: [2], values: [0.25, 0]))
        adam.step(learningRate: 0.1)
        // Step 2, element 0: m = 0.9·0.05 + 0.1·0.25 = 0.07, v = 0.999·0.00025 + 0.001·0.0625.
        let m = 0.07 / (1 - 0.81), v = (0.999 * 0.00025 + 0.001 * 0.0625) / (1 - 0.999 * 0.999)
        XCTAssertEqual(Double(p.value[0]), 0.9 - 0.1 * m / (v.squareRoot() + 1e-8), accuracy: 1e-5)
        XCTAssertEqual(adam.stepCount, 2)
    }

    func testSGDMomentumByHand() {
        let p = Parameter(name: "w", shape: [1])
        p.value[0] = 1
        let sgd = SGD(parameters: [p], momentum: 0.9)
        p.gradient[0] = 1
        sgd.step(learningRate: 0.1)   // v = 1, w = 0.9
        sgd.step(learningRate: 0.1)   // v = 1.9, w = 0.71
        XCTAssertEqual(p.value[0], 0.71, accuracy: 1e-6)
        let q = Parameter(name: "q", shape: [1])
        let nesterov = SGD(parameters: [q], momentum: 0.5, nesterov: true)
        q.gradient[0] = 2
        nesterov.step(learningRate: 1)  // v = 2, w −= 2 + 0.5·2
        XCTAssertEqual(q.value[0], -3, accuracy: 1e-6)
    }

    func testOptimizersSkipNonTrainable() {
        let bn = BatchNorm(channels: 2)
        XCTAssertEqual(Adam(parameters: bn.parameters).parameters.count, 2)
        XCTAssertEqual(SGD(parameters: bn.parameters).stateTensors.count, 2)
    }

    func testAdamMinimisesQuadratic() {
        let p = Parameter(name: "w", shape: [3])
        p.value.copy(from: Tensor(shape: [3], values: [3, -2, 5]))
        let adam = Adam(parameters: [p])
        for _ in 0..<2000 {
            for i in 0..<3 { p.gradient[i] = 2 * p.value[i] }
            adam.step(learningRate: 0.01)
        }
        for i in 0..<3 { XCTAssertEqual(p.value[i], 0, accuracy: 0.02) }
    }

    func testCosineSchedule() {
        let s = CosineSchedule(initial: 1e-3, final: 1e-5, totalSteps: 100)
        XCTAssertEqual(s.rate(at: 0), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(Double(s.rate(at: 50)), 1e-5 + (1e-3 - 1e-5) * 0.5, accuracy: 1e-9)
        XCTAssertEqual(s.rate(at: 100), 1e-5, accuracy: 1e-9)
        XCTAssertEqual(s.rate(at: 1000), 1e-5, accuracy: 1e-9)
        let w = CosineSchedule(initial: 1, totalSteps: 10, warmupSteps: 4)
        XCTAssertEqual(w.rate(at: 0), 0.25, accuracy: 1e-6)
        XCTAssertEqual(w.rate(at: 3), 1, accuracy: 1e-6)
        XCTAssertGreaterThan(w.rate(at: 4), w.rate(at: 6))
    }

    func testGradientClipping() {
        let a = Parameter(name: "a", shape: [2]), b = Parameter(name: "b", shape: [1])
        a.gradient.copy(from: Tensor(shape: [2], values: [3, 0]))
        b.gradient[0] = 4
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 10), 5, accuracy: 1e-6)
        XCTAssertEqual(a.gradient[0], 3)  // under the limit: unchanged
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 1), 5, accuracy: 1e-6)
        XCTAssertEqual(gradientNorm([a, b]), 1, accuracy: 1e-6)
        XCTAssertEqual(a.gradient[0], 0.6, accuracy: 1e-6)
    }

    func testRandomGeneratorIsSeededAndRestorable() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var c = RandomGenerator(stateWords: a.stateWords)
        XCTAssertEqual(a.gaussian(), c.gaussian())
        // Normals: mean ≈ 0, variance ≈ 1.
        let t = Tensor(shape: [100_000])
        var r = RandomGenerator(seed: 7)
        r.fillGaussian(t.buffer)
        let m = MomentPenalty.moments(t.pointer, count: t.count)
        XCTAssertEqual(m.mean, 0, accuracy: 0.02)
        XCTAssertEqual(m.std, 1, accuracy: 0.02)
        XCTAssertEqual(m.kurtosis, 3, accuracy: 0.1)
    }
}
