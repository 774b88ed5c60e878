// The report card's measures on frames whose answer is known.

import TestSupport
import XCTest
import DuralavaTrainer
import DuralavaMeasure
import DuralavaRuntime

/// A frame set of `count` frames of w×h filled by `pixel(frame, x, y) -> (r, g, b)`.
func reportCardFrames(_ count: Int, width w: Int, height h: Int,
                      _ pixel: (Int, Int, Int) -> (Float, Float, Float)) -> FrameSet {
    var values: [Float] = []
    for f in 0..<count {
        for y in 0..<h {
            for x in 0..<w { let p = pixel(f, x, y); values += [p.0, p.1, p.2] }
        }
    }
    return FrameSet(width: w, height: h, values: values)
}

/// A smooth textured luminance pattern (wavelengths of 12 to 22 px, like soft-edged blobs in
/// a 64-pixel lamp), defined at any real position.
func reportCardTexture(_ x: Double, _ y: Double) -> Float {
    Float(0.5 + 0.2 * sin(x * 0.35 + 0.3) * cos(y * 0.28) + 0.15 * sin((x + 2 * y) * 0.2) + 0.1 * cos(x * 0.4 - y * 0.3))
}

final class ReportCardMetricTests: XCTestCase {
    func testColourHistogramDistanceIsZeroForTheSameColoursAndOneForDisjointOnes() {
        let noise = reportCardFrames(3, width: 8, height: 8) { f, x, y in
            let v = Float((f * 31 + x * 7 + y * 13) % 17) / 17
            return (v, 1 - v, v * v)
        }
        let h = ColourHistogram(noise)
        XCTAssertEqual(h.totalVariation(to: ColourHistogram(noise)), 0)
        XCTAssertEqual(h.probabilities.reduce(0, +), 1, accuracy: 1e-12)
        let red = reportCardFrames(2, width: 4, height: 4) { _, _, _ in (0.9, 0.1, 0.1) }
        let blue = reportCardFrames(2, width: 4, height: 4) { _, _, _ in (0.1, 0.1, 0.9) }
        XCTAssertEqual(ColourHistogram(red).totalVariation(to: ColourHistogram(blue)), 1, accuracy: 1e-12)
        let half = reportCardFrames(2, width: 4, height: 4) { f, _, _ in f == 0 ? (0.9, 0.1, 0.1) : (0.1, 0.1, 0.9) }
        XCTAssertEqual(ColourHistogram(half).totalVariation(to: ColourHistogram(red)), 0.5, accuracy: 1e-12)
    }

    func testFrameChangePairsOnlyConsecutiveStepsAndFindsFrozenRuns() {
        var set = FrameSet(width: 2, height: 2)
        set.appendSegment([Float](repeating: 0.2, count: 12) + [Float](repeating: 0.3, count: 12))
        set.appendSegment([Float](repeating: 0.5, count: 36))
        let change = FrameChange(set)
        XCTAssertEqual(change.changes.count, 3, "1 pair in the first segment, 2 in the second, none across")
        XCTAssertEqual(change.changes[0], 0.1, accuracy: 1e-6)
        XCTAssertEqual(change.changes[1], 0)
        XCTAssertEqual(change.nearFrozenFraction(floor: 0.01), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(change.longestFrozenRun(floor: 0.01), 2)
        // The same measure as the runtime's stall guard.
        set.withFrame(0) { a in set.withFrame(1) { b in
            XCTAssertEqual(Double(meanAbsoluteDifference(a, b, count: 12)), change.changes[0])
        } }
    }

    func testBlockMatchingFindsAKnownShift() {
        let w = 48, h = 48
        for (sx, sy) in [(3.0, -2.0), (1.5, 0.5), (0.0, 0.0)] {
            // b shows a's content moved by (sx, sy): b(x, y) = a(x − sx, y − sy).
            let a = (0..<(w * h)).map { reportCardTexture(Double($0 % w), Double($0 / w)) }
            let b = (0..<(w * h)).map { reportCardTexture(Double($0 % w) - sx, Double($0 / w) - sy) }
            var settings = BlockMotion.Settings(block: 8, radius: 5)
            settings.changeFloor = 0
            settings.textureStd = 0.01
            let vectors = BlockMotion.vectors(from: a, to: b, width: w, height: h, settings: settings)
            // Blocks far enough from the edge that the true match lies inside the frame.
            let inner = vectors.filter { $0.x >= 8 && $0.y >= 8 && $0.x + 16 <= w && $0.y + 16 <= h }
            XCTAssertFalse(inner.isEmpty)
            for v in inner {
                XCTAssertEqual(Double(v.dx), sx, accuracy: 0.2, "block at \(v.x),\(v.y) for shift \(sx),\(sy)")
                XCTAssertEqual(Double(v.dy), sy, accuracy: 0.2, "block at \(v.x),\(v.y) for shift \(sx),\(sy)")
            }
        }
    }

    func testBlobSpeedIsDisplacementOverLagTime() {
        // A texture moving 2 px per frame to the right; frames 0.25 s apart, lag 1 s = 4 frames.
        let w = 48, h = 48
        let set = reportCardFrames(9, width: w, height: h) { f, x, y in
            let v = reportCardTexture(Double(x) - 2 * Double(f), Double(y))
            return (v, v, v)
        }
        var settings = BlockMotion.Settings(block: 8, radius: 10)
        settings.textureStd = 0.01
        let speed = BlobSpeed(set, stepSeconds: 0.25, lagSeconds: 1, settings: settings)
        XCTAssertEqual(speed.lagSteps, 4)
        XCTAssertGreaterThan(speed.movingBlocks, 0)
        // Blocks whose match lies inside the frame move 8 px in 1 s; edge blocks may not.
        XCTAssertEqual(speed.distribution.median, 8, accuracy: 0.3)
    }

    func testChunkSplitKeepsHeldOutFramesAwayFromTrainingFrames() {
        let set = reportCardFrames(400, width: 1, height: 1) { f, _, _ in (Float(f) / 400, 0, 0) }
        let split = ChunkSplit(set, chunk: 40, testEvery: 5, gap: 4)
        XCTAssertEqual(split.test, Array(164..<196) + Array(364..<400), "chunks 4 and 9; no gap at the segment's end")
        XCTAssertEqual(split.train.count, 320)
        XCTAssertTrue(Set(split.train).isDisjoint(with: split.test))
        for t in split.test { XCTAssertGreaterThan(split.train.map { abs($0 - t) }.min()!, 4) }
        // Chunks never cross segments.
        var two = FrameSet(width: 1, height: 1)
        two.appendSegment([Float](repeating: 0, count: 30 * 3))
        two.appendSegment([Float](repeating: 1, count: 30 * 3))
        let s2 = ChunkSplit(two, chunk: 10, testEvery: 3, gap: 1)
        XCTAssertEqual(s2.test, Array(21..<30) + Array(51..<60), "a gap only where a training chunk is next")
    }

    func testDistributionAndMoments() {
        let d = Distribution([5, 1, 4, 2, 3] as [Double])
        XCTAssertEqual(d.median, 3); XCTAssertEqual(d.q1, 2); XCTAssertEqual(d.q3, 4)
        XCTAssertEqual(d.minimum, 1); XCTAssertEqual(d.maximum, 5); XCTAssertEqual(d.mean, 3)
        XCTAssertEqual(d.p95, 4.8, accuracy: 1e-12)
        let v: [Float] = (0..<64).map { Float(sin(Double($0) * 1.7)) * 1.3 + 0.2 }
        var acc = MomentAccumulator()
        v.withUnsafeBufferPointer { acc.add($0.baseAddress!, count: 64) }
        let m = Moments(v)
        XCTAssertEqual(acc.mean, m.mean, accuracy: 1e-9)
        XCTAssertEqual(acc.std, m.std, accuracy: 1e-9)
        XCTAssertEqual(acc.skewness, m.skew, accuracy: 1e-6)
        XCTAssertEqual(acc.kurtosis, m.kurtosis, accuracy: 1e-6)
    }

    func testNumberFormatting() {
        XCTAssertEqual(NumberFormat.fixed(0.7, 2), "0.70")
        XCTAssertEqual(NumberFormat.fixed(-1.255, 1), "-1.3")
        XCTAssertEqual(NumberFormat.fixed(-0.0001, 2), "0.00")
        XCTAssertEqual(NumberFormat.significant(0.000779, 3), "0.000779")
        XCTAssertEqual(NumberFormat.significant(1234.5, 3), "1235")
        XCTAssertEqual(NumberFormat.significant(2.5e-7, 2), "2.5e-7")
        XCTAssertEqual(NumberFormat.compact(0.005, 3), "0.005")
        XCTAssertEqual(NumberFormat.compact(5, 6), "5")
        XCTAssertEqual(NumberFormat.count(1_000_000), "1,000,000")
        let ticks = NumberFormat.niceTicks(0, 1, count: 5)
        XCTAssertEqual(ticks.count, 6)
        for (t, expected) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { XCTAssertEqual(t, expected, accuracy: 1e-12) }
        XCTAssertEqual(NumberFormat.duration(185), "3m05s")
    }

    func testJSONIsValidAndKeepsKeyOrder() throws {
        let value = ReportCardJSON.object([
            ("b", .string("quote \" backslash \\ newline \n tab \t")), ("a", .array([.num(0.5), .integer(3), .num(.infinity)])),
            ("c", .object([("nested", .bool(true)), ("none", .null)])),
        ])
        let text = value.serialized()
        XCTAssertLessThan(text.firstRange(of: "\"b\"")!.lowerBound, text.firstRange(of: "\"a\"")!.lowerBound)
        let parsed = try JSONParser.parse(text)
        XCTAssertEqual(parsed["b"]?.stringValue, "quote \" backslash \\ newline \n tab \t")
        guard case .array(let items)? = parsed["a"] else { return XCTFail("no array") }
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[2], .null, "infinity has no JSON number")
        XCTAssertTrue(ReportCardJSON.array([.num(0.5), .integer(3)]).serialized() == "[0.5, 3]", "numbers stay on one line")
    }
}
