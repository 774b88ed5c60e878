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

/// Motion persistence tells travel from jitter: a soft blob moving steadily scores near 1, the
/// same blob stepping back and forth near −1, independent noise near 0.
final class MotionPersistenceTests: XCTestCase {
    func blob(at x: Double) -> [Float] {
        var f = [Float](repeating: 0, count: 32 * 8 * 3)
        for y in 0..<8 {
            for c in 0..<32 {
                let v = Float(exp(-pow((Double(c) - x) / 4, 2)))
                for k in 0..<3 { f[(y * 32 + c) * 3 + k] = v }
            }
        }
        return f
    }

    func testTravelJitterAndNoise() {
        let travel = FrameSet(width: 32, height: 8, values: (0..<20).flatMap { blob(at: 8 + 0.5 * Double($0)) })
        XCTAssertGreaterThan(MotionPersistence.meanCosine(travel), 0.95)
        let flicker = FrameSet(width: 32, height: 8, values: (0..<20).flatMap { blob(at: $0 % 2 == 0 ? 12 : 12.5) })
        XCTAssertLessThan(MotionPersistence.meanCosine(flicker), -0.95)
        var rng = RandomGenerator(seed: 4)
        let noise = FrameSet(width: 32, height: 8, values: (0..<200 * 32 * 8 * 3).map { _ in rng.uniformFloat() })
        XCTAssertEqual(MotionPersistence.meanCosine(noise), -0.5, accuracy: 0.05,
                       "independent frames: consecutive differences share the middle frame with opposite signs")
        // Segments are not crossed: two steady runs in opposite directions still score near 1.
        var two = FrameSet(width: 32, height: 8)
        two.appendSegment((0..<10).flatMap { blob(at: 8 + 0.5 * Double($0)) })
        two.appendSegment((0..<10).flatMap { blob(at: 20 - 0.5 * Double($0)) })
        XCTAssertGreaterThan(MotionPersistence.meanCosine(two), 0.95)
    }
}
