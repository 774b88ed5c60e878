import DuralavaNN
import DuralavaRuntime
@testable import DuralavaTrainer
import XCTest

/// The critic's R1 gradient penalty: its finite-difference parameter gradient (a Hessian-vector
/// product the first-order layers cannot give directly) against central differences of the
/// penalty itself, and what it is for: training on it flattens the critic around real frames.
final class CriticGradientPenaltyTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    /// (γ/2)·mean‖∇ₓD‖², computed directly.
    func penalty(_ critic: Layer, _ real: Tensor, weight: Float) -> Double {
        let logits = critic.forward(real, state: critic.makeState(), training: true)
        let ones = Tensor(shape: logits.shape)
        ones.fill(1)
        let state = critic.makeState()
        _ = critic.forward(real, state: state, training: true)
        let g = critic.backward(ones, state: state, options: .inputOnly)!
        var s = 0.0
        for i in 0..<g.count { s += Double(g.pointer[i]) * Double(g.pointer[i]) }
        return Double(weight) / 2 * s / Double(real.batch)
    }

    /// A smooth critic (tanh), so the penalty is differentiable everywhere: along random
    /// parameter directions, the accumulated gradient matches central differences of the
    /// penalty within 0.2 % (measured: 1e-5 relative; a one-sided difference in x erred by 3 %).
    func testParameterGradientMatchesCentralDifferences() {
        var rng = RandomGenerator(seed: 31)
        let critic = Sequential(name: "c", [
            Conv2D(name: "conv", inputChannels: 3, outputChannels: 4, kernelSize: 4, stride: 2, padding: .same, useBias: true, rng: &rng),
            Tanh(name: "tanh"),
            Flatten(name: "flatten"),
            Dense(name: "head", inputSize: 4 * 4 * 4, outputSize: 1, rng: &rng),
        ])
        let real = randomTensor([3, 8, 8, 3], seed: 32)
        let weight: Float = 2
        let params = critic.trainableParameters
        let penaltyTerm = CriticGradientPenalty(weight: weight, critic: critic)
        zeroGradients(params)
        let value = penaltyTerm.accumulate(critic: critic, real: real)
        XCTAssertEqual(Double(value), penalty(critic, real, weight: weight), accuracy: 1e-4 * Double(value))
        XCTAssertGreaterThan(value, 0)
        for trial in 0..<4 {
            let directions = params.enumerated().map { randomTensor($0.element.value.shape, seed: 40 + UInt64(10 * trial + $0.offset)) }
            var analytic = 0.0
            for (p, d) in zip(params, directions) {
                for i in 0..<p.value.count { analytic += Double(p.gradient.pointer[i]) * Double(d.pointer[i]) }
            }
            let h: Float = 3e-4
            func shifted(_ sign: Float) -> Double {
                for (p, d) in zip(params, directions) { for i in 0..<p.value.count { p.value.pointer[i] += sign * h * d.pointer[i] } }
                defer { for (p, d) in zip(params, directions) { for i in 0..<p.value.count { p.value.pointer[i] -= sign * h * d.pointer[i] } } }
                return penalty(critic, real, weight: weight)
            }
            let numeric = (shifted(1) - shifted(-1)) / (2 * Double(h))
            XCTAssertEqual(analytic, numeric, accuracy: 0.002 * max(abs(numeric), 0.1), "direction \(trial)")
        }
    }

    /// The lamp's own critic without BatchNorm, trained on the penalty alone (Adam, 40 steps):
    /// its input gradient on real frames shrinks to under half.
    func testTrainingOnThePenaltyFlattensTheCritic() {
        var rng = RandomGenerator(seed: 33)
        let arch = TrainingPreset.tiny.arch
        let critic = FramePhase.makeCritic(name: "critic", arch: arch, blurRadius: 0, batchNorm: false, rng: &rng)
        XCTAssertFalse(critic.parameters.contains { $0.name.contains("bn") }, "no BatchNorm when asked for none")
        let real = randomTensor([8, arch.frameHeight, arch.frameWidth, 3], seed: 34)
        let penaltyTerm = CriticGradientPenalty(weight: 10, critic: critic)
        let optimizer = Adam(parameters: critic.trainableParameters, beta1: 0.5)
        let before = penalty(critic, real, weight: 10)
        for _ in 0..<40 {
            zeroGradients(critic.trainableParameters)
            penaltyTerm.accumulate(critic: critic, real: real)
            optimizer.step(learningRate: 1e-3)
        }
        let after = penalty(critic, real, weight: 10)
        XCTAssertGreaterThan(before, 0)
        XCTAssertLessThan(after, 0.5 * before, "penalty \(before) → \(after)")
    }

    /// Lazy regularization: evaluated on the first of every `interval` critic updates only.
    func testLazyIntervalSkipsUpdates() {
        var rng = RandomGenerator(seed: 35)
        let arch = TrainingPreset.tiny.arch
        let critic = FramePhase.makeCritic(name: "critic", arch: arch, blurRadius: 0, batchNorm: false, rng: &rng)
        let real = randomTensor([4, arch.frameHeight, arch.frameWidth, 3], seed: 36)
        let penaltyTerm = CriticGradientPenalty(weight: 1, interval: 3, critic: critic)
        var touched: [Bool] = []
        for _ in 0..<6 {
            zeroGradients(critic.trainableParameters)
            penaltyTerm.accumulateIfDue(critic: critic, real: real)
            touched.append(critic.trainableParameters.contains { p in (0..<p.gradient.count).contains { p.gradient.pointer[$0] != 0 } })
        }
        XCTAssertEqual(touched, [true, false, false, true, false, false])
        XCTAssertGreaterThan(penaltyTerm.lastValue, 0)
    }
}
