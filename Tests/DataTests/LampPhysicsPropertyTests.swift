import XCTest
import DuralavaData

/// 10^5 frames (at 30 frames per lamp-second: 55 minutes of lamp time, 200,000 physics
/// steps) of the physics, checked for what makes a lava lamp: it never stops, the pool
/// keeps releasing blobs, the wax never all gathers at the top or the bottom, blobs take
/// 10–60 s to cross the glass, blobs merge and split, and the wax volume is conserved.
final class LampPhysicsPropertyTests: XCTestCase {
    /// Relative tolerance on the total wax volume (pool + blobs): only rounding may change it.
    static let volumeTolerance = 1e-9

    func testHundredThousandFramesOfLampPhysics() {
        for seed: UInt64 in [1, 2] {
            checkLamp(seed: seed, frames: 100_000, fps: 30)
        }
    }

    private func checkLamp(seed: UInt64, frames: Int, fps: Double) {
        var lamp = LavaLampPhysics(seed: seed)
        let total = lamp.parameters.totalWaxVolume
        let glass = lamp.geometry.glassHeight
        lamp.advance(seconds: 300)  // warm up, as the simulator does
        let start = lamp.time
        let stepsPerFrame = lamp.parameters.stepsPerSecond / fps
        let steps = Int(Double(frames) * stepsPerFrame)

        var worstVolumeError = 0.0
        var lastDetachmentTime = start, lastDetachments = lamp.detachmentCount, longestWithoutRelease = 0.0
        var lastMotionTime = start, longestStill = 0.0
        var lastHighWaxTime = start, longestAllLow = 0.0
        var largestUpperShare = 0.0, smallestPoolShare = 1.0
        var plumeSeen: [UInt64: Double] = [:], reachedTop = Set<UInt64>(), riseTimes: [Double] = []
        let startMerges = lamp.mergeCount, startSplits = lamp.splitCount

        for step in 0..<steps {
            lamp.step()
            let t = lamp.time
            if lamp.detachmentCount != lastDetachments {
                lastDetachments = lamp.detachmentCount
                longestWithoutRelease = max(longestWithoutRelease, t - lastDetachmentTime)
                lastDetachmentTime = t
            }
            var upper = 0.0, fastest = 0.0
            for b in lamp.blobs {
                if b.isAttached { plumeSeen[b.id] = t; continue }
                if b.y > glass / 2 { upper += b.volume }
                fastest = max(fastest, (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz).squareRoot())
                if b.y > 0.85 * glass, !reachedTop.contains(b.id), let born = plumeSeen[b.id] {
                    reachedTop.insert(b.id)
                    riseTimes.append(t - born)
                }
            }
            if fastest > 0.002 { longestStill = max(longestStill, t - lastMotionTime); lastMotionTime = t }
            if upper > 0 { longestAllLow = max(longestAllLow, t - lastHighWaxTime); lastHighWaxTime = t }
            largestUpperShare = max(largestUpperShare, upper / total)
            smallestPoolShare = min(smallestPoolShare, lamp.poolVolume / total)
            if step % 50 == 0 {
                worstVolumeError = max(worstVolumeError, abs(lamp.totalWaxVolume - total) / total)
                for b in lamp.blobs {
                    XCTAssertEqual(4.0 / 3.0 * Double.pi * pow(b.radius, 3), b.volume, accuracy: 1e-9 * total)
                }
                XCTAssertEqual(lamp.geometry.volume(belowHeight: lamp.poolHeight), lamp.poolVolume, accuracy: 1e-4 * total)
            }
        }
        let end = lamp.time
        longestWithoutRelease = max(longestWithoutRelease, end - lastDetachmentTime)
        longestStill = max(longestStill, end - lastMotionTime)
        longestAllLow = max(longestAllLow, end - lastHighWaxTime)
        riseTimes.sort()
        let label = "seed \(seed)"

        XCTAssertLessThan(worstVolumeError, Self.volumeTolerance, "\(label): wax volume drifted")
        // Motion never stops: some blob moves faster than 2 mm/s at least every 20 s.
        XCTAssertLessThan(longestStill, 20, "\(label): lamp stood still")
        // The pool keeps releasing blobs: never two minutes without one, on average one
        // every half minute or more often.
        XCTAssertLessThan(longestWithoutRelease, 120, "\(label): pool stopped releasing")
        XCTAssertGreaterThan(Double(lamp.detachmentCount) / end, 1.0 / 30, "\(label): too few releases")
        // Never all at the bottom: wax rises above half height at least every two minutes.
        XCTAssertLessThan(longestAllLow, 120, "\(label): wax stayed at the bottom")
        // Never all at the top: the upper half never holds more than 80% of the wax, and
        // the pool never runs dry.
        XCTAssertLessThan(largestUpperShare, 0.8, "\(label): wax gathered at the top")
        XCTAssertGreaterThan(smallestPoolShare, 0.2, "\(label): pool ran dry")
        // Crossing the glass takes 10–60 s (median from tearing off the pool to the top 15%).
        XCTAssertGreaterThan(riseTimes.count, 20, "\(label): too few blobs reached the top")
        let median = riseTimes[riseTimes.count / 2]
        XCTAssertTrue((10...60).contains(median), "\(label): median rise time \(median) s")
        // Blobs merge and split.
        XCTAssertGreaterThan(lamp.mergeCount - startMerges, 20, "\(label): no merging")
        XCTAssertGreaterThan(lamp.splitCount - startSplits, 5, "\(label): no splitting")
    }

    func testRenderedFramesKeepChanging() {
        // Rendering every frame of 10^5 is not needed to see that the picture never freezes:
        // 600 frames over 20 minutes of lamp time, each compared with the one 2 s later.
        let lamp = LavaLampSimulator(seed: 6, width: 64, height: 64, fps: 30)
        var a = [Float](), b = [Float]()
        var smallest = Double.infinity
        for _ in 0..<300 {
            lamp.nextFrame(into: &a)
            for _ in 0..<59 { lamp.advanceFrame() }
            lamp.nextFrame(into: &b)
            for _ in 0..<59 { lamp.advanceFrame() }
            smallest = min(smallest, meanAbsoluteDifference(a, b))
        }
        XCTAssertGreaterThan(smallest, 1e-4, "two frames 2 s apart were (nearly) identical")
    }

    func testVolumeIsConservedThroughMergesAndSplits() {
        var lamp = LavaLampPhysics(seed: 12)
        let total = lamp.parameters.totalWaxVolume
        var lastMerges = 0, lastSplits = 0, checkedEvents = 0
        while lamp.time < 1200 {
            lamp.step()
            if lamp.mergeCount != lastMerges || lamp.splitCount != lastSplits {
                lastMerges = lamp.mergeCount; lastSplits = lamp.splitCount
                XCTAssertEqual(lamp.totalWaxVolume, total, accuracy: total * 1e-12)
                checkedEvents += 1
            }
        }
        XCTAssertGreaterThan(checkedEvents, 10)
    }
}

#if canImport(Glibc)
import Glibc
#endif
