import DuralavaNN
import DuralavaData
import DuralavaRuntime
import DuralavaTrainer
import Foundation
import TestSupport
import XCTest

/// The tiny preset end to end: simulate → train both phases → export → the runtime loads and
/// runs the model; and resuming from a checkpoint gives the same model as an uninterrupted run.
final class LampTrainingTests: XCTestCase {
    func tinyData() -> LampSequences {
        let p = TrainingPreset.tiny
        return LampSequences.simulated(count: p.sequences, length: p.sequenceLength, width: 16, height: 16,
                                       stepSeconds: p.stepSeconds, seed: 7)
    }

    func runDirectory() -> String {
        let dir = NSTemporaryDirectory() + "duralava-train-" + UUID().uuidString
        return dir
    }

    func testTinyPresetTrainsExportsAndRuns() throws {
        let dir = runDirectory()
        var lines: [String] = []
        let trainer = try LampTrainer(preset: .tiny, data: tinyData(), directory: dir, seed: 3) { lines.append($0) }
        XCTAssertTrue(try trainer.run())
        XCTAssertTrue(lines.contains { $0.contains("phase 2 step 120/120") }, lines.joined(separator: "\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        for f in ["model.safetensors", "checkpoint.safetensors", "metrics.csv", "samples-000030.png", "samples-000090.apng.png"] {
            XCTAssertTrue(files.contains(f), "\(f) in \(files)")
        }
        let csv = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 121, "header + one row per step")

        let model = try LampModel(path: dir + "/model.safetensors")
        XCTAssertTrue(model.isTrained)
        XCTAssertEqual(model.config.frameWidth, 16)
        XCTAssertEqual(model.config.rnnNoiseDim, 4)
        XCTAssertTrue(model.config.rnnResidual)
        XCTAssertEqual(model.metadata["provenance.data"], "simulator")
        XCTAssertEqual(model.metadata["step_seconds"].flatMap(Float.init), 0.2)
        XCTAssertEqual(model.startLatents.count, trainer.startLatentCount * 8, "encoded real frames to start from")
        let animator = LampAnimator(model: model, seed: 1)
        var frames: [[Float]] = []
        for _ in 0..<20 { animator.render(phase: 0); frames.append(Array(animator.frame)); animator.advance() }
        XCTAssertTrue(frames.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 <= 1 } })
        XCTAssertNotEqual(frames.first!, frames.last!, "the lamp moves")
        XCTAssertEqual(animator.loop.counters.nonFiniteReseeds, 0)
    }

    /// A tall lamp (16 wide × 32 high) end to end, into a run folder whose parents do not
    /// exist yet; a checkpoint refuses to continue at another size.
    func testTallFramesTrainExportAndRun() throws {
        var preset = TrainingPreset.tiny
        preset.arch.frameWidth = 16; preset.arch.frameHeight = 32
        let data = LampSequences.simulated(count: preset.sequences, length: preset.sequenceLength, width: 16, height: 32,
                                           stepSeconds: preset.stepSeconds, seed: 7)
        let root = runDirectory(), dir = root + "/lamps/tall"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let trainer = try LampTrainer(preset: preset, data: data, directory: dir, seed: 3) { _ in }
        XCTAssertTrue(try trainer.run())
        let model = try LampModel(path: dir + "/model.safetensors")
        XCTAssertEqual([model.config.frameWidth, model.config.frameHeight], [16, 32])
        XCTAssertEqual([model.config.baseWidth, model.config.baseHeight], [4, 8])
        // The runtime's frame of a start latent is the trainer's exported generator's.
        let z = Array(model.startLatents.prefix(8))
        let trainerFrame = trainer.frames.exportedGenerator.forward(Tensor(shape: [1, 8], values: z), state: trainer.frames.exportedGenerator.makeState(),
                                                                   training: false)
        XCTAssertEqual(trainerFrame.shape, [1, 32, 16, 3])
        XCTAssertLessThanOrEqual(maxAbsDifference(model.generator.frame(for: z), trainerFrame.array), 1e-4)
        let animator = LampAnimator(model: model, seed: 1)
        var frames: [[Float]] = []
        for _ in 0..<10 { animator.render(phase: 0); frames.append(Array(animator.frame)); animator.advance() }
        XCTAssertNotEqual(frames.first!, frames.last!, "the lamp moves")
        // The sample sheet is 8 frames wide and 3 rows high, at the tall size.
        let sheet = try PNGReader.read(path: dir + "/samples-000120.png")
        XCTAssertEqual([sheet.width, sheet.height], [8 * 16, 3 * 32])

        // Continuing it as a square lamp is refused before any weight is touched.
        let square = try LampTrainer(preset: .tiny, data: tinyData(), directory: dir, seed: 3) { _ in }
        XCTAssertThrowsError(try square.resume()) { error in
            XCTAssertTrue("\(error)".contains("trained at 16x32, not 16x16"), "\(error)")
        }
    }

    /// Phase 2's pixel critic on a tall lamp: it judges 16×32 frames (it was once built square).
    func testTallLampTrainsWithThePixelCritic() throws {
        var preset = TrainingPreset.tiny
        preset.arch.frameWidth = 16; preset.arch.frameHeight = 32
        preset.frameSteps = 10; preset.dynamicsSteps = 5; preset.dynamics.pixelCriticWeight = 1
        let data = LampSequences.simulated(count: preset.sequences, length: preset.sequenceLength, width: 16, height: 32,
                                           stepSeconds: preset.stepSeconds, seed: 7)
        let dir = runDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trainer = try LampTrainer(preset: preset, data: data, directory: dir, seed: 3) { _ in }
        XCTAssertTrue(try trainer.run())
        let critic = try XCTUnwrap(trainer.dynamics.pixelCritic)
        XCTAssertEqual(critic.critic.outputShape(for: [2, 32, 16, 3]), [2, 1])
    }

    /// Correlated RNN noise: trained with it (unroll and free runs), the model file records it,
    /// the runtime's loop reads it, and a run without it writes no key (older files stay as they were).
    func testNoiseCorrelationIsTrainedWithAndExported() throws {
        var preset = TrainingPreset.tiny
        preset.frameSteps = 10; preset.dynamicsSteps = 6
        preset.dynamics.noiseCorrelation = 0.9
        preset.dynamics.freeRunShare = 0.5; preset.dynamics.freeRunSteps = 3
        let dir = runDirectory(), plainDir = runDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: plainDir) }
        XCTAssertTrue(try LampTrainer(preset: preset, data: tinyData(), directory: dir, seed: 3) { _ in }.run())
        let model = try LampModel(path: dir + "/model.safetensors")
        XCTAssertEqual(model.metadata[ModelSchema.Key.rnnNoiseCorrelation], "0.9")
        XCTAssertEqual(model.config.rnnNoiseCorrelation, 0.9)
        XCTAssertEqual(LampAnimator(model: model, seed: 1).loop.rnn.noiseCorrelation, 0.9)

        var plain = preset
        plain.dynamics.noiseCorrelation = 0
        XCTAssertTrue(try LampTrainer(preset: plain, data: tinyData(), directory: plainDir, seed: 3) { _ in }.run())
        let plainModel = try LampModel(path: plainDir + "/model.safetensors")
        XCTAssertNil(plainModel.metadata[ModelSchema.Key.rnnNoiseCorrelation])
        XCTAssertNotEqual(try SafetensorsFile(path: dir + "/model.safetensors").floats(ModelSchema.RNN.weight(0)),
                          try SafetensorsFile(path: plainDir + "/model.safetensors").floats(ModelSchema.RNN.weight(0)),
                          "the unroll's noise differs, so training does")
    }

    func testResumeGivesTheSameModelAsAnUninterruptedRun() throws {
        let data = tinyData()
        let a = runDirectory(), b = runDirectory()
        let straight = try LampTrainer(preset: .tiny, data: data, directory: a, seed: 5) { _ in }
        try straight.run()
        let first = try LampTrainer(preset: .tiny, data: data, directory: b, seed: 5) { _ in }
        XCTAssertFalse(try first.run(stopAfter: 70), "stops in phase 2 and saves a checkpoint")
        // A fresh trainer (another seed, so nothing carries over but the checkpoint).
        let second = try LampTrainer(preset: .tiny, data: data, directory: b, seed: 99) { _ in }
        try second.resume()
        XCTAssertEqual(second.step, 70)
        try second.run()
        // Steps 71–120 from the checkpoint must land exactly where the straight run did.
        let ma = try Data(contentsOf: URL(fileURLWithPath: a + "/model.safetensors"))
        let mb = try Data(contentsOf: URL(fileURLWithPath: b + "/model.safetensors"))
        XCTAssertEqual(ma, mb)
    }
}
