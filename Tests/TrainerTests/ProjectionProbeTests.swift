import DuralavaData
import DuralavaExperiments
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer
import Foundation
import TestSupport
import XCTest

/// The projection experiment of docs/training.md on the tiny preset: it measures what it says, and a
/// projection that never fires leaves the lamp as it runs today.
final class ProjectionProbeTests: XCTestCase {
    func testProjectionFiresEveryKStepsAndMeasures() throws {
        let p = TrainingPreset.tiny
        let data = LampSequences.simulated(count: p.sequences, length: p.sequenceLength, width: 16, height: 16,
                                           stepSeconds: p.stepSeconds, seed: 7)
        let dir = temporaryDirectory(prefix: "duralava-probe-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trainer = try LampTrainer(preset: p, data: data, directory: dir, seed: 3) { _ in }
        XCTAssertTrue(try trainer.run())
        let model = try LampModel(path: trainer.modelPath)
        let heldOut = LampSequences.simulated(count: 4, length: 120, width: 16, height: 16, stepSeconds: p.stepSeconds, seed: 900)
        let real = heldOut.frameSet(sequences: Array(0..<4))
        func probe(_ k: Int) -> ProjectionProbeResult {
            ProjectionProbe.run(frames: trainer.frames, model: model, real: real, stepSeconds: p.stepSeconds, every: k,
                                chains: 4, steps: 120, burnIn: 20, seed: 5)
        }
        let never = probe(0), always = probe(1), beyond = probe(1000)
        for r in [never, always] {
            XCTAssertTrue((0...1).contains(r.cnnAccuracy) && (0...1).contains(r.linearAccuracy), "\(r)")
            XCTAssertTrue(r.frameChangeRatio.isFinite && r.frameChangeRatio > 0, "\(r)")
        }
        XCTAssertGreaterThan(never.offManifold, 0, "an untrained-ish lamp drifts off its frame model")
        XCTAssertNotEqual(never.frameChangeRatio, always.frameChangeRatio, "projecting every step changes the lamp")
        // A projection that never fires within the run: the same lamp and frames as no projection.
        XCTAssertEqual(beyond.cnnAccuracy, never.cnnAccuracy)
        XCTAssertEqual(beyond.frameChangeRatio, never.frameChangeRatio)
        XCTAssertEqual(beyond.offManifold, 0, "nothing was projected")
    }
}
