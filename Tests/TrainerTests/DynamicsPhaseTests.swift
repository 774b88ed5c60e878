import DuralavaData
import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer
import TestSupport
import XCTest

/// The dynamics phase's manifold pull: rollout latents are drawn towards the projection the
/// trainer supplies (in training, encode(generate(z)) of the frozen frame model).
final class DynamicsPhaseTests: XCTestCase {
    func makePhase(manifoldWeight: Float) -> DynamicsPhase {
        tinyDynamicsPhase { $0.manifoldWeight = manifoldWeight; $0.manifoldSamples = 8 }
    }

    func testManifoldPullDrawsRolloutsTowardsTheProjection() {
        let phase = makePhase(manifoldWeight: 5)
        let d = phase.arch.latentDim
        var target = (0..<d).map { Float($0 % 3) - 1 }
        _ = DuralavaRuntime.renormalize(&target, count: d)
        var calls = 0
        phase.projection = { z in
            calls += 1
            let p = Tensor(shape: z.shape)
            for i in 0..<z.batch { (p.pointer + i * d).update(from: target, count: d) }
            return p
        }
        var rng = RandomGenerator(seed: 6)
        var distances: [Float] = []
        for _ in 0..<1000 { distances.append(phase.step(rng: &rng).manifoldDistance) }
        XCTAssertEqual(calls, 1000)
        let first = distances.prefix(10).reduce(0, +) / 10, last = distances.suffix(10).reduce(0, +) / 10
        XCTAssertGreaterThan(first, 0.5, "rollouts start far from the fixed target")
        XCTAssertLessThan(last, 0.5 * first, "pulled towards it: \(first) → \(last)")
    }

    func testNoPullWithoutWeight() {
        let phase = makePhase(manifoldWeight: 0)
        var calls = 0
        phase.projection = { z in calls += 1; return z }
        var rng = RandomGenerator(seed: 6)
        for _ in 0..<5 { XCTAssertEqual(phase.step(rng: &rng).manifoldDistance, 0) }
        XCTAssertEqual(calls, 0)
    }
}

/// Denoising dynamics (an experiment, docs/training.md): the RNN is unrolled from perturbed footage latents towards
/// the data's following latents.
final class DenoisingDynamicsTests: XCTestCase {
    func makePhase(horizon: Int, noise: Float = 0.3) -> DynamicsPhase {
        let preset = TrainingPreset.tiny
        var rng = RandomGenerator(seed: 4)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        var settings = preset.dynamics
        settings.manifoldWeight = 0
        settings.denoisingWeight = 1
        settings.denoisingHorizon = horizon
        settings.denoisingNoise = noise
        let phase = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
        let data = LampSequences.simulated(count: 2, length: 12, width: 16, height: 16, stepSeconds: 0.2, seed: 5)
        phase.encodeFootage(data, with: frames)
        return phase
    }

    /// The rollout loss's parameter gradient matches central differences (same random draws).
    func testDenoisingGradientMatchesFiniteDifferences() {
        let phase = makePhase(horizon: 3)
        let params = phase.rnn.trainableParameters
        let rng0 = RandomGenerator(seed: 9)
        zeroGradients(params)
        var r = rng0
        let loss = phase.denoisingStep(rng: &r)
        XCTAssertGreaterThan(loss, 0)
        let tolerance = GradientCheckTolerance(absolute: 1e-4, relative: 5e-2)
        var checked = 0
        // Snapshot first: every later call accumulates into the gradients again.
        let gradients = params.map { p in (0..<p.value.count).map { Double(p.gradient[$0]) } }
        for (pi, p) in params.enumerated() {
            let analytic = gradients[pi]
            // The largest few gradients of each tensor (small ones drown in float32 roundoff).
            let order = analytic.indices.sorted { abs(analytic[$0]) > abs(analytic[$1]) }.prefix(3)
            for i in order {
                let h: Float = 1e-2, saved = p.value[i]
                p.value[i] = saved + h; var ra = rng0; let up = Double(phase.denoisingStep(rng: &ra))
                p.value[i] = saved - h; var rb = rng0; let down = Double(phase.denoisingStep(rng: &rb))
                p.value[i] = saved
                let numeric = (up - down) / Double(2 * h)
                XCTAssertTrue(tolerance.accepts(analytic[i], numeric),
                              "parameter \(pi) \(p.name)[\(i)]: analytic \(analytic[i]), numeric \(numeric)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 6)
    }

    /// Trained on the denoising loss alone, the loss falls: the RNN learns to map perturbed
    /// latents onto the data's next ones.
    func testDenoisingLossFallsWhenTrained() {
        let phase = makePhase(horizon: 2)
        var rng = RandomGenerator(seed: 6)
        var losses: [Float] = []
        for _ in 0..<300 {
            zeroGradients(phase.rnn.trainableParameters)
            losses.append(phase.denoisingStep(rng: &rng))
            phase.rnnOptimizer.step(learningRate: 1e-3)
        }
        let first = losses.prefix(20).reduce(0, +) / 20, last = losses.suffix(20).reduce(0, +) / 20
        XCTAssertGreaterThan(first, 0)
        XCTAssertLessThan(last, 0.8 * first, "denoising loss \(first) → \(last)")
    }

    func testNoDenoisingTermWithoutWeight() {
        let phase = makePhase(horizon: 2)
        phase.settings.denoisingWeight = 0
        var rng = RandomGenerator(seed: 6)
        for _ in 0..<3 { XCTAssertEqual(phase.step(rng: &rng).denoising, 0) }
        phase.settings.denoisingWeight = 1
        XCTAssertGreaterThan(phase.step(rng: &rng).denoising, 0)
    }
}
