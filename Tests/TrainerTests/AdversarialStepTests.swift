import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer
import DuralavaExperiments

final class AdversarialStepTests: XCTestCase {
    func testStepIsFiniteDeterministicAndIndependentOfThreadCount() {
        let c = CheckpointTests.tiny
        func run(threads: Int) -> [Float] {
            Compute.threads = threads
            let t = AdversarialTrainer(configuration: c, seed: 3)
            var out: [Float] = []
            for s in 0..<3 {
                let l = t.step(realFrames: CheckpointTests.realFrames(c, step: s), generatorLearningRate: 1e-3, criticLearningRate: 1e-3)
                out += [l.criticReal, l.criticFake, l.generatorAdversarial, l.normalityPenalty]
            }
            return out
        }
        let a = run(threads: 2), b = run(threads: 2), one = run(threads: 1)
        Compute.threads = 2
        XCTAssertTrue(a.allSatisfy { $0.isFinite })
        XCTAssertEqual(a, b, "same seed and thread count: bit-identical")
        XCTAssertEqual(a, one, "the thread count does not change any result (fixed task partition)")
        // Initial losses near log 2 for an untrained critic.
        XCTAssertEqual(a[0], 0.693, accuracy: 0.3)
    }

    func testCriticLearnsToSeparateWhenGeneratorIsFrozen() {
        // With the generator's learning rate 0, the critic's loss must fall.
        Compute.threads = 2
        let c = CheckpointTests.tiny
        let t = AdversarialTrainer(configuration: c, seed: 4)
        let frames = CheckpointTests.realFrames(c, step: 0)
        let first = t.step(realFrames: frames, generatorLearningRate: 0, criticLearningRate: 2e-3).criticLoss
        var last = first
        for _ in 0..<30 { last = t.step(realFrames: frames, generatorLearningRate: 0, criticLearningRate: 2e-3).criticLoss }
        XCTAssertLessThan(last, 0.5 * first)
    }
}
