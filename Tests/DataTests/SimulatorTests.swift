import XCTest
import DuralavaData

/// Determinism, frame-rate independence and the look of the simulated lamp.
final class SimulatorTests: XCTestCase {
    func testSameSeedGivesIdenticalFrames() {
        let a = LavaLampSimulator(seed: 7, width: 64, height: 64)
        let b = LavaLampSimulator(seed: 7, width: 64, height: 64)
        for _ in 0..<40 { XCTAssertEqual(a.nextFrame(), b.nextFrame()) }
    }

    func testDifferentSeedsGiveDifferentLamps() {
        let a = LavaLampSimulator(seed: 1).nextFrame()
        let b = LavaLampSimulator(seed: 2).nextFrame()
        XCTAssertGreaterThan(meanAbsoluteDifference(a, b), 0.002)
    }

    func testPhysicsDoesNotDependOnTheFrameRate() {
        // Frame 60 at 30 fps and frame 20 at 10 fps are both at 2 s of lamp time.
        let fast = LavaLampSimulator(seed: 3, fps: 30)
        let slow = LavaLampSimulator(seed: 3, fps: 10)
        for _ in 0..<60 { fast.advanceFrame() }
        for _ in 0..<20 { slow.advanceFrame() }
        XCTAssertEqual(fast.nextFrame(), slow.nextFrame())
        XCTAssertEqual(fast.physics.stepCount, slow.physics.stepCount)
        XCTAssertEqual(fast.physics.time, 300 + 2, accuracy: 1e-9)
        // And in between, the 30 fps lamp showed frames the 10 fps one skipped.
        XCTAssertNotEqual(fast.nextFrame(), slow.nextFrame())
    }

    func testFramesBetweenPhysicsStepsAreInterpolated() {
        // At 240 fps four frames share each 1/60 s step; they must still differ.
        let lamp = LavaLampSimulator(seed: 4, fps: 240)
        var previous = lamp.nextFrame()
        var identical = 0
        for _ in 0..<24 {
            let frame = lamp.nextFrame()
            if frame == previous { identical += 1 }
            previous = frame
        }
        XCTAssertEqual(identical, 0)
    }

    func testEightBitFramesMatchTheFloatFrames() {
        let a = LavaLampSimulator(seed: 5), b = LavaLampSimulator(seed: 5)
        var bytes = [UInt8]()
        a.nextFrame(into: &bytes)
        let floats = b.nextFrame()
        XCTAssertEqual(bytes.count, floats.count)
        for i in stride(from: 0, to: floats.count, by: 97) {
            XCTAssertEqual(Double(bytes[i]), Double(floats[i]) * 255, accuracy: 0.51)
        }
    }

    func testRendersAtAnySize() {
        for (w, h) in [(64, 64), (128, 128), (96, 48), (48, 128), (8, 8)] {
            let frame = LavaLampSimulator(seed: 1, width: w, height: h).nextFrame()
            XCTAssertEqual(frame.count, w * h * 3)
            XCTAssertTrue(frame.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(w)x\(h) has values outside [0, 1]")
            XCTAssertGreaterThan(frame.max()!, 0.3, "\(w)x\(h) is black")
        }
    }

    func testTwoResolutionsShowTheSameLamp() {
        // 128x128 averaged down 2x2 is close to the 64x64 rendering of the same state.
        let small = LavaLampSimulator(seed: 9, width: 64, height: 64).nextFrame()
        let large = LavaLampSimulator(seed: 9, width: 128, height: 128).nextFrame()
        var reduced = [Float](repeating: 0, count: 64 * 64 * 3)
        for r in 0..<64 { for c in 0..<64 { for ch in 0..<3 {
            var sum: Float = 0
            for dr in 0..<2 { for dc in 0..<2 { sum += large[((2 * r + dr) * 128 + 2 * c + dc) * 3 + ch] } }
            reduced[(r * 64 + c) * 3 + ch] = sum / 4
        } } }
        XCTAssertLessThan(meanAbsoluteDifference(small, reduced), 0.02)
    }

    func testLooksLikeALavaLamp() {
        let w = 64, h = 64
        let lamp = LavaLampSimulator(seed: 11, palette: .classic, width: w, height: h)
        let frame = lamp.nextFrame()
        func pixel(_ r: Int, _ c: Int) -> SIMD3<Float> {
            let i = (r * w + c) * 3
            return SIMD3(frame[i], frame[i + 1], frame[i + 2])
        }
        // Dark room in the corners.
        for (r, c) in [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1)] {
            XCTAssertLessThan(pixel(r, c).max(), 0.12, "corner (\(r), \(c)) is not dark")
        }
        // Lit glass: the width of bright-enough pixels per row is largest low down and
        // narrower near the top (a tapered vessel).
        func litWidth(_ r: Int) -> Int { (0..<w).filter { pixel(r, $0).max() > 0.12 }.count }
        let upper = litWidth(h * 18 / 100), lower = litWidth(h * 72 / 100)
        XCTAssertGreaterThan(lower, upper + 3, "glass should taper: \(lower) px low vs \(upper) px high")
        XCTAssertLessThan(lower, w * 6 / 10)
        // The classic liquid is red, and the glow from below makes the lower glass brighter.
        func rowMean(_ r: Int) -> SIMD3<Float> {
            var s = SIMD3<Float>(repeating: 0)
            for c in (w / 2 - 3)...(w / 2 + 3) { s += pixel(r, c) }
            return s / 7
        }
        let centreLow = rowMean(h * 80 / 100), centreHigh = rowMean(h * 25 / 100)
        XCTAssertGreaterThan(centreHigh.x, centreHigh.z * 2, "liquid should be red")
        XCTAssertGreaterThan(centreLow.x + centreLow.y, centreHigh.x + centreHigh.y, "no glow from below")
        // Wax: orange pixels (red and a good deal of green) inside the glass.
        let waxPixels = (0..<(w * h)).filter { i in
            let p = SIMD3(frame[3 * i], frame[3 * i + 1], frame[3 * i + 2])
            return p.x > 0.5 && p.y > 0.25 && p.y > 2.5 * p.z
        }.count
        XCTAssertGreaterThan(waxPixels, 40, "no visible wax")
    }

    func testPalettes() {
        XCTAssertGreaterThanOrEqual(LampPalette.all.count, 3)
        XCTAssertEqual(LampPalette.named("Ocean"), .ocean)
        XCTAssertNil(LampPalette.named("plaid"))
        let means = LampPalette.all.map { palette -> SIMD3<Float> in
            let f = LavaLampSimulator(seed: 2, palette: palette).nextFrame()
            var s = SIMD3<Float>(repeating: 0)
            for i in stride(from: 0, to: f.count, by: 3) { s += SIMD3(f[i], f[i + 1], f[i + 2]) }
            return s / Float(f.count / 3)
        }
        for i in means.indices { for j in means.indices where j > i {
            let d: SIMD3<Float> = means[i] - means[j]
            XCTAssertGreaterThan(max(abs(d.x), abs(d.y), abs(d.z)), 0.01, "\(LampPalette.all[i].name) vs \(LampPalette.all[j].name)")
        } }
    }
}

func meanAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var s = 0.0
    for i in a.indices { s += Double(abs(a[i] - b[i])) }
    return s / Double(a.count)
}
