import DuralavaRuntime
import DuralavaTrainer
import XCTest

/// The dynamics phase's manifold pull: rollout latents are drawn towards the projection the
/// trainer supplies (in training, encode(generate(z)) of the frozen frame model).
final class DynamicsPhaseTests: XCTestCase {
    func makePhase(manifoldWeight: Float) -> DynamicsPhase {
        let preset = TrainingPreset.tiny
        var rng = RandomGenerator(seed: 4)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        var settings = preset.dynamics
        settings.manifoldWeight = manifoldWeight
        settings.manifoldSamples = 8
        let phase = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
        let data = LampSequences.simulated(count: 2, length: 12, width: 16, height: 16, stepSeconds: 0.2, seed: 5)
        phase.encodeFootage(data, with: frames)
        return phase
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
