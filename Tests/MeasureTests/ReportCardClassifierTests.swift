import DuralavaNN
import DuralavaMeasure
// The classifier two-sample test separates what differs and not what does not.

import TestSupport
import XCTest
import DuralavaTrainer
import DuralavaData

final class ReportCardClassifierTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    /// `count` consecutive simulator frames at 16×16, one 0.2 s model step apart, dealt into
    /// two sets by chunks of `chunk` as the report card deals real frames.
    func simulatorSets(count: Int, chunk: Int, seed: UInt64)
        -> (a: FrameSet, b: FrameSet, splitA: ChunkSplit, splitB: ChunkSplit) {
        let sim = LavaLampSimulator(seed: seed, width: 16, height: 16, fps: 5)
        var values: [Float] = []
        for _ in 0..<count { values += sim.nextFrame() }
        return ReferenceFrames.deal(values, width: 16, height: 16, chunk: chunk, gap: 5)
    }

    func settings() -> ClassifierSettings {
        var s = ClassifierSettings()
        s.steps = 150
        s.chunk = 20
        s.gap = 5
        return s
    }

    func testClassifierTellsRealFramesFromNoise() {
        let real = simulatorSets(count: 480, chunk: 20, seed: 5).a
        var rng = RandomGenerator(seed: 3)
        let noise = FrameSet(width: 16, height: 16, values: (0..<(real.count * 16 * 16 * 3)).map { _ in rng.uniformFloat() })
        let r = TwoSampleTest.run(noise, real, settings: settings(), seed: 1)
        XCTAssertGreaterThan(r.accuracy, 0.9)
        XCTAssertGreaterThanOrEqual(r.testFrames.a, 20)
        XCTAssertGreaterThanOrEqual(r.testFrames.b, 20)
    }

    func testClassifierCannotTellRealFromReal() {
        let sets = simulatorSets(count: 960, chunk: 20, seed: 6)
        XCTAssertEqual(sets.splitA.test.count, sets.splitB.test.count)
        let r = TwoSampleTest.run(sets.a, sets.b, settings: settings(), seed: 2, splitA: sets.splitA, splitB: sets.splitB)
        XCTAssertEqual(r.accuracy, 0.5, accuracy: 0.15, "two halves of one lamp run")
    }

    func testArchitectureIsStated() {
        let text = ClassifierSettings().architecture(width: 64, height: 64)
        XCTAssertTrue(text.contains("Conv2D 4x4 stride 2 same -> 8x8x64"), text)
        XCTAssertTrue(text.contains("Dense 1"), text)
    }
}
