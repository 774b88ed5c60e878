import DuralavaData
import DuralavaNN
import DuralavaRuntime
@testable import DuralavaTrainer
import XCTest

/// Free-run starts (an experiment, docs/training.md): phase 2 starts part of each batch from
/// latents its RNN reached by itself after long free runs.
final class FreeRunPoolTests: XCTestCase {
    /// The pool runs each member through the step it is given, renormalized: with a step that
    /// pulls every latent to one point, the members end there; restarts come from `restart`,
    /// run `minimumAge` steps at once, and ages are staggered so restarts do not cluster.
    func testMembersRunTheGivenStepAndRestartWhenOld() {
        let d = 4
        let pool = FreeRunPool(count: 3, latentDim: d, minimumAge: 10, advance: 5)
        var target: [Float] = [1, -1, 2, 0]
        DuralavaRuntime.renormalize(&target, count: d)
        let pull: (Tensor, Tensor) -> Tensor = { z, noise in
            XCTAssertEqual(noise.shape, [z.batch, 2])
            let delta = Tensor(shape: z.shape)
            for i in 0..<z.batch { for j in 0..<d { delta.pointer[i * d + j] = target[j] - z.pointer[i * d + j] } }
            return delta
        }
        var restarts = 0
        var rng = RandomGenerator(seed: 1)
        pool.advance(step: pull, noiseDim: 2, rng: &rng) { _, p in
            restarts += 1
            for j in 0..<d { p[j] = Float(j) }
        }
        XCTAssertEqual(restarts, 3, "every member starts from a footage latent")
        XCTAssertEqual((0..<3).map(pool.age), [10 + 5, 10 + 30 + 5, 10 + 60 + 5], "staggered over the span")
        let drawn = UnsafeMutablePointer<Float>.allocate(capacity: d)
        defer { drawn.deallocate() }
        pool.draw(into: drawn, rng: &rng)
        for j in 0..<d { XCTAssertEqual(drawn[j], target[j], accuracy: 1e-5) }
        // Advance until the oldest passes 10 × minimumAge = 100: it alone restarts.
        restarts = 0
        for _ in 0..<6 { pool.advance(step: pull, noiseDim: 2, rng: &rng) { _, p in restarts += 1; for j in 0..<d { p[j] = 1 } } }
        XCTAssertEqual(restarts, 1)
        XCTAssertEqual(pool.age(2), 10 + 5, "the restarted member ran its minimum, then one advance")
    }

    func makePhase(share: Float) -> DynamicsPhase {
        tinyDynamicsPhase { $0.freeRunShare = share; $0.freeRunSteps = 40 }
    }

    /// Off by default: no pool, nothing in the checkpoint. On: the pool is checkpointed, every
    /// member has run at least `freeRunSteps` steps of the current RNN after the first training
    /// step, and the members are unit latents like the loop's.
    func testPhaseTwoKeepsAndCheckpointsThePool() throws {
        let off = makePhase(share: 0)
        XCTAssertNil(off.freeRunPool)
        XCTAssertFalse(off.parameters.contains { $0.name.hasPrefix("dynamics.free_run") })

        let on = makePhase(share: 0.5)
        let pool = try XCTUnwrap(on.freeRunPool)
        XCTAssertEqual(on.parameters.filter { $0.name.hasPrefix("dynamics.free_run") }.map(\.name),
                       ["dynamics.free_run", "dynamics.free_run_age"])
        var rng = RandomGenerator(seed: 6)
        for _ in 0..<3 { _ = on.step(rng: &rng) }
        XCTAssertTrue((0..<pool.count).allSatisfy { pool.age($0) >= 40 }, "\((0..<pool.count).map(pool.age))")
        let d = on.arch.latentDim
        let z = pool.latentsParameter.value
        for i in 0..<pool.count {
            var sum: Float = 0, squares: Float = 0
            for j in 0..<d { sum += z.pointer[i * d + j]; squares += z.pointer[i * d + j] * z.pointer[i * d + j] }
            XCTAssertEqual(sum / Float(d), 0, accuracy: 1e-4)
            XCTAssertEqual(squares / Float(d), 1, accuracy: 1e-3)
        }
    }
}
