import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// The window's animator computes the next model step on a worker thread: the lamp it shows
/// must be the one the unthreaded animator shows — same frames, same guard counters — through
/// in-between frames; a reseed or restart waits for the worker and goes on from there; the
/// thread shuts down cleanly.
final class ThreadedAnimatorTests: XCTestCase {
    private func frames(_ path: String, threaded: Bool, between: BetweenFrames, reseeding: Bool = false) throws -> (frames: [[UInt8]], counters: GuardCounters) {
        let model = try LampModel(path: path)
        let animator = LampAnimator(model: model, seed: 5, between: between, threaded: threaded)
        var out: [[UInt8]] = []
        for step in 0..<40 {
            for k in 0..<3 {
                animator.render(phase: Float(k) / 3)
                out.append(Array(animator.rgb))
            }
            animator.advance()
            if reseeding && step == 15 { animator.reseed() }
            if reseeding && step == 30 { animator.restart(from: [Float](repeating: 0.5, count: model.config.latentDim)) }
        }
        return (out, animator.counters)
    }

    func testThreadedAnimatorShowsTheSameLamp() throws {
        for name in ["default.safetensors", "default-int8.safetensors"] {
            let path = packageRoot + "/models/" + name
            guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no \(name) in this checkout") }
            for between in BetweenFrames.allCases {
                let plain = try frames(path, threaded: false, between: between)
                let threaded = try frames(path, threaded: true, between: between)
                XCTAssertEqual(threaded.frames.count, plain.frames.count)
                XCTAssertTrue(threaded.frames == plain.frames, "\(name) \(between): threaded frames differ")
                XCTAssertEqual(threaded.counters, plain.counters, "\(name) \(between)")
            }
            // Reseeding: the threaded loop was one step ahead (its prefetched step), so the new
            // start differs from the unthreaded one's; it is still a moving lamp.
            let reseeded = try frames(path, threaded: true, between: .latent, reseeding: true)
            XCTAssertEqual(reseeded.counters.interventions, 0, "\(reseeded.counters)")
            XCTAssertNotEqual(reseeded.frames[50], reseeded.frames[90])
            XCTAssertNotEqual(reseeded.frames[95], reseeded.frames[110])
        }
    }

    func testManyThreadedAnimatorsComeAndGo() throws {
        let path = packageRoot + "/models/default-int8.safetensors"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no shipped int8 model") }
        let model = try LampModel(path: path)
        for i in 0..<50 {
            let animator = LampAnimator(model: model, seed: UInt64(i), threaded: true)
            if i % 2 == 0 { animator.advance() }    // destroyed with a step in flight, or idle
        }
    }
}
