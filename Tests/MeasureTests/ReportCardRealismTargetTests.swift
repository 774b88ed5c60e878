// The report card judges blobs, not shimmer (docs/report-card.md#motion): blob speed and the share of moving
// blocks are targets beside the frame change, and realism is the worse of two classifier
// families (the CNN and logistic regression on frame features).

import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer
import DuralavaData
import DuralavaMeasure

final class ReportCardRealismTargetTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    func simulatorFrames(seed: UInt64, count: Int, size: Int) -> [Float] {
        let sim = LavaLampSimulator(seed: seed, width: size, height: size, fps: 5)
        var values: [Float] = []
        for _ in 0..<count { values += sim.nextFrame() }
        return values
    }

    func quickSplit() -> ClassifierSettings {
        var s = ClassifierSettings()
        s.steps = 60; s.chunk = 20; s.gap = 5
        return s
    }

    /// Every frame of `set` box-blurred (radius 1): softer blobs, same places and colours.
    func blurred(_ set: FrameSet) -> FrameSet {
        let w = set.width, h = set.height
        var out: [Float] = []
        for i in 0..<set.count {
            let f = set.frame(i)
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<3 {
                        var sum: Float = 0, n: Float = 0
                        for dy in -1...1 { for dx in -1...1 {
                            let yy = y + dy, xx = x + dx
                            guard yy >= 0 && yy < h && xx >= 0 && xx < w else { continue }
                            sum += f[3 * (yy * w + xx) + c]; n += 1
                        } }
                        out.append(sum / n)
                    }
                }
            }
        }
        return FrameSet(width: w, height: h, values: out)
    }

    func testLinearClassifierTellsSoftFramesFromRealButNotRealFromReal() {
        let sets = ReferenceFrames.deal(simulatorFrames(seed: 6, count: 960, size: 16), width: 16, height: 16, chunk: 20, gap: 5)
        let floor = LinearTwoSampleTest.run(sets.a, sets.b, split: quickSplit(), splitA: sets.splitA, splitB: sets.splitB)
        XCTAssertEqual(floor.accuracy, 0.5, accuracy: 0.15, "two halves of one lamp run")
        XCTAssertGreaterThan(floor.testFrames.a, 0)
        let soft = LinearTwoSampleTest.run(blurred(sets.a), sets.b, split: quickSplit(), splitA: sets.splitA, splitB: sets.splitB)
        XCTAssertGreaterThan(soft.accuracy, 0.9, "blurred frames")
        let text = LinearClassifierSettings().description(width: 64, height: 64)
        XCTAssertTrue(text.contains("8x8x3 area-averaged pixels (8x8 px cells)"), text)
    }

    func testFeaturesAreCellMeansColourAndSharpnessHistograms() {
        var s = LinearClassifierSettings()
        s.cell = 2; s.colourBins = 2; s.gradientEdges = [0.1]
        // 4x4: left half black, right half white.
        let frame: [Float] = (0..<16).flatMap { p -> [Float] in p % 4 < 2 ? [0, 0, 0] : [1, 1, 1] }
        let f = frame.withUnsafeBufferPointer { LinearTwoSampleTest.features($0.baseAddress!, width: 4, height: 4, settings: s) }
        XCTAssertEqual(f.count, 2 * 2 * 3 + 8 + 2)
        XCTAssertEqual(Array(f[0..<12]), [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1])
        XCTAssertEqual(f[12], 0.5, accuracy: 1e-12)   // black bin
        XCTAssertEqual(f[12 + 7], 0.5, accuracy: 1e-12) // white bin
        // 3x3 forward differences: the column x = 1 crosses the edge (3 of 9 sharp).
        XCTAssertEqual(f[20], 6.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(f[21], 3.0 / 9, accuracy: 1e-12)
    }

    func testMotionTargetsFailAFrozenOrShimmeringLampAndPassRealFootage() throws {
        let size = 32, n = size * size * 3
        let reference = ReferenceFigures(real: FrameSet(width: size, height: size,
                                                                values: simulatorFrames(seed: 11, count: 600, size: size)),
                                             stepSeconds: 0.2)
        XCTAssertGreaterThan(reference.motion.blobSpeed.median, 0)
        XCTAssertGreaterThan(reference.motion.movingFraction, 0)
        func targets(_ values: [Float]) -> [String: Bool] {
            let c = Comparison(generated: FrameSet(width: size, height: size, values: values), reference: reference,
                                   classifier: quickSplit(), seed: 1)
            var out: [String: Bool] = [:]
            for t in ReportCardTarget.motionTargets(first: c, windows: [c]) {
                let key = t.name.contains("blob speed") ? "speed" : t.name.contains("moving blocks") ? "moving" : "change"
                out[key] = (out[key] ?? true) && t.passed
            }
            return out
        }
        let other = simulatorFrames(seed: 12, count: 600, size: size)
        XCTAssertEqual(targets(other), ["change": true, "speed": true, "moving": true], "another run of the same lamp")

        // Frozen: one frame forever.
        let first = Array(other[0..<n])
        XCTAssertEqual(targets((0..<600).flatMap { _ in first }), ["change": false, "speed": false, "moving": false])

        // Shimmer: the blobs stay where they are and only their brightness flickers, enough
        // to change every frame as much as the real lamp does.
        let median = reference.motion.frameChange.median
        var shimmer: [Float] = []
        for t in 0..<600 {
            for p in 0..<(size * size) {
                let x = Float(p % size), y = Float(p / size)
                let wobble = 4 * Float(median) * sin(Float(t) * 2.3 + 0.7 * x + 0.4 * y)
                for c in 0..<3 { shimmer.append(min(1, max(0, first[3 * p + c] + wobble))) }
            }
        }
        let s = targets(shimmer)
        XCTAssertEqual(s["speed"], false, "blobs that do not travel")
    }

    func testRealismIsTheWorseOfTheTwoFamilies() {
        let size = 16
        let reference = ReferenceFigures(real: FrameSet(width: size, height: size,
                                                                values: simulatorFrames(seed: 21, count: 200, size: size)),
                                             stepSeconds: 0.2)
        var c = Comparison(generated: FrameSet(width: size, height: size, values: simulatorFrames(seed: 22, count: 200, size: size)),
                               reference: reference, classifier: quickSplit(), seed: 1)
        func passed(cnn: Double, linear: Double) -> [Bool] {
            c.classifier.accuracy = cnn
            c.linear.accuracy = linear
            XCTAssertEqual(c.realism, max(cnn, linear))
            return ReportCardTarget.realismTargets(first: c, windows: [c, c]).map(\.passed)
        }
        XCTAssertEqual(passed(cnn: 0.55, linear: 0.60), [true, true])
        XCTAssertEqual(passed(cnn: 0.55, linear: 0.90), [false, false], "the linear family tells them apart")
        XCTAssertEqual(passed(cnn: 0.95, linear: 0.50), [false, false], "the CNN tells them apart")
        let t = ReportCardTarget.realismTargets(first: c, windows: [])
        XCTAssertEqual(t.count, 1)
        XCTAssertTrue(t[0].measured.contains("CNN 0.950") && t[0].measured.contains("linear 0.500"), t[0].measured)
    }
}
