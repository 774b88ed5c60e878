import DuralavaData
import DuralavaTrainer
import Foundation
import TestSupport
import XCTest

/// `train --resume` continues the run that was started, with every setting it was started
/// with (docs/reliability.md#training-keeps-its-history): the checkpoint records them, a
/// resume without options restores them, and a changed one is refused unless --override names it.
final class ResumeSettingsTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = temporaryDirectory(prefix: "duralava-resume-") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func train(_ arguments: [String]) throws -> ProcessResult {
        let tool = productPath("duralava-train")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
        return try runProcess(tool, ["train"] + arguments, currentDirectory: dir)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + path)) }

    /// Options that differ from the tiny preset's and the CLI's defaults.
    let started = ["--preset", "tiny", "--seed", "3", "--prior-samples", "4", "--frame-steps", "40", "--dynamics-steps", "40",
                   "--reset-probability", "0.25", "--learning-rate", "0.002"]

    func testAResumeWithoutOptionsEqualsTheUninterruptedRunBitForBit() throws {
        XCTAssertEqual(try train(started + ["--out", "straight"]).status, 0)
        let paused = try train(started + ["--out", "resumed", "--max-steps", "30"])
        XCTAssertEqual(paused.status, 0, paused.stderr)
        XCTAssertTrue(paused.stdout.contains("continue with: duralava-train train --resume --out resumed"), paused.stdout)
        let resumed = try train(["--resume", "--out", "resumed"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("motion: median frame change") && resumed.stderr.contains("of the footage's"),
                      "the end of training judges the lamp's motion: \(resumed.stderr)")
        let header = String(decoding: try bytes("resumed/model.safetensors").prefix(8192), as: UTF8.self)
        XCTAssertTrue(header.contains("\"motion.footage_frame_change\""), "the model records the footage's motion")
        XCTAssertEqual(try bytes("resumed/model.safetensors"), try bytes("straight/model.safetensors"),
                       "resumed at step 30 of 80 with no options, the run lands where the straight one did")
        XCTAssertEqual(try bytes("resumed/checkpoint.safetensors"), try bytes("straight/checkpoint.safetensors"))
    }

    /// With free-run starts the pool is part of the run: paused in phase 2 and resumed, the run
    /// lands where the straight one did; and --restart-dynamics on a checkpoint without a pool
    /// starts one.
    func testFreeRunStartsResumeExactly() throws {
        let freeRun = started + ["--free-run-share", "0.5", "--free-run-steps", "20"]
        XCTAssertEqual(try train(freeRun + ["--out", "straight"]).status, 0)
        XCTAssertEqual(try train(freeRun + ["--out", "resumed", "--max-steps", "60"]).status, 0)
        let resumed = try train(["--resume", "--out", "resumed"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try bytes("resumed/model.safetensors"), try bytes("straight/model.safetensors"))
        XCTAssertEqual(try bytes("resumed/checkpoint.safetensors"), try bytes("straight/checkpoint.safetensors"))
        XCTAssertEqual(try train(started + ["--out", "plain", "--max-steps", "40"]).status, 0)
        let restarted = try train(["--resume", "--restart-dynamics", "--out", "plain", "--free-run-share", "0.5", "--free-run-steps", "20"])
        XCTAssertEqual(restarted.status, 0, restarted.stderr)
    }

    func testAChangedSettingIsRefusedUnlessOverridden() throws {
        XCTAssertEqual(try train(started + ["--out", "r", "--max-steps", "20"]).status, 0)
        let checkpoint = try bytes("r/checkpoint.safetensors")
        let refused = try train(["--resume", "--out", "r", "--seed", "4", "--prior-samples", "8"])
        XCTAssertEqual(refused.status, 64, refused.stderr)
        let message = refused.errorLines.first.map(String.init) ?? ""
        XCTAssertTrue(message.contains("--seed 4 (the run has 3)") && message.contains("--prior-samples 8 (the run has 4)")
                      && message.contains("--override prior-samples,seed"), message)
        XCTAssertEqual(try bytes("r/checkpoint.safetensors"), checkpoint, "a refused resume leaves the checkpoint as it was")

        // The same value again is no change; another value with --override is taken and recorded.
        let same = try train(["--resume", "--out", "r", "--seed", "3", "--max-steps", "1"])
        XCTAssertEqual(same.status, 0, same.stderr)
        let changed = try train(["--resume", "--out", "r", "--learning-rate", "0.0005", "--override", "learning-rate", "--max-steps", "1"])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("settings changed on resume: learning-rate 0.002 -> 0.0005"), changed.stderr)
        let metrics = String(decoding: try bytes("r/metrics.csv"), as: UTF8.self)
        XCTAssertTrue(metrics.contains("# resumed with changed settings at step 21: learning-rate 0.002 -> 0.0005"), metrics)
        let model = String(decoding: try bytes("r/model.safetensors").prefix(8192), as: UTF8.self)
        XCTAssertTrue(model.contains("provenance.overrides") && model.contains("step 21: learning-rate 0.002 -> 0.0005"))
        // Kept from then on: a resume without the option does not fall back to 0.002.
        let again = try train(["--resume", "--out", "r", "--max-steps", "1"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stderr.contains("settings changed"), again.stderr)

        let unknown = try train(["--resume", "--out", "r", "--override", "colour"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("--override colour: not a recorded setting"), unknown.stderr)
    }

    func testTheFootageAndPresetAreRestored() throws {
        let tool = productPath("duralava-train")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
        XCTAssertEqual(try runProcess(tool, ["simulate", "--frames", "120", "--size", "16x16", "--out", "frames/"], currentDirectory: dir).status, 0)
        let first = try train(["--preset", "tiny", "--data", "frames", "--source-fps", "5", "--frame-step", "1", "--out", "r", "--max-steps", "1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let resumed = try train(["--resume", "--out", "r", "--max-steps", "1"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("simulating"), "the resumed run trains on the footage, not the simulator: \(resumed.stderr)")
        XCTAssertTrue(resumed.stderr.contains("--source-fps 5 = 0.2 s"), resumed.stderr)
        let model = String(decoding: try bytes("r/model.safetensors").prefix(8192), as: UTF8.self)
        XCTAssertTrue(model.contains("\"provenance.data\":\"frames\""), "provenance names the footage")
    }

    /// The denoising dynamics left `train`'s options (docs/training.md: they do not denoise), not
    /// the checkpoint format: a run started with them (here by the library, as the CLI did) still
    /// resumes with its recorded values.
    func testARunRecordingTheRetiredDenoisingSettingsStillResumes() throws {
        _ = try train(["--help"])  // skips when duralava-train is not built
        var preset = TrainingPreset.tiny
        preset.dynamics.denoisingWeight = 2; preset.dynamics.denoisingNoise = 0.25; preset.dynamics.denoisingHorizon = 3
        let data = LampSequences.simulated(count: preset.sequences, length: preset.sequenceLength, width: preset.arch.frameWidth,
                                           height: preset.arch.frameHeight, stepSeconds: preset.stepSeconds, seed: 1003)
        let trainer = try LampTrainer(preset: preset, data: data, directory: dir + "/r", seed: 3) { _ in }
        trainer.runOptions = ["preset": "tiny", "data": "sim", "palette": "classic", "seed": "3", "frame-step": "6",
                              "source-fps": "30.0", "fit": "crop"]
        XCTAssertFalse(try trainer.run(stopAfter: preset.frameSteps + 5))
        let resumed = try train(["--resume", "--out", "r", "--max-steps", "1"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("settings changed"), resumed.stderr)
        let recorded = RunSettings.recorded(in: try Checkpoint.userMetadata(at: dir + "/r/checkpoint.safetensors"))
        XCTAssertEqual(recorded["denoising-weight"], "2.0")
        XCTAssertEqual(recorded["denoising-noise"], "0.25")
        XCTAssertEqual(recorded["denoising-horizon"], "3")
    }

    /// The default preset turns the frame critic's on/off settings on; `--no-…` turns them off
    /// again, and the checkpoint records what the run used.
    func testCriticFlagsSwitchBothWays() throws {
        func recorded(_ out: String) throws -> [String: String] {
            RunSettings.recorded(in: try Checkpoint.userMetadata(at: dir + "/\(out)/checkpoint.safetensors"))
        }
        XCTAssertEqual(try train(started + ["--out", "on", "--max-steps", "1", "--adversarial-prior-only", "--critic-without-batch-norm"]).status, 0)
        XCTAssertEqual(try recorded("on")["adversarial-prior-only"], "true")
        XCTAssertEqual(try recorded("on")["critic-without-batch-norm"], "true")
        let off = try train(started + ["--out", "off", "--max-steps", "1", "--no-adversarial-prior-only", "--no-critic-without-batch-norm"])
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertEqual(try recorded("off")["adversarial-prior-only"], "false")
        XCTAssertEqual(try recorded("off")["critic-without-batch-norm"], "false")
        XCTAssertEqual(TrainingPreset.standard.frame.adversarialPriorOnly, true, "the default preset's critic judges prior samples only")
        XCTAssertEqual(TrainingPreset.standard.frame.criticBatchNorm, false)
    }

    func testPhaseTwoRestartsNeedAFinishedPhaseOneAndAResume() throws {
        XCTAssertEqual(try train(started + ["--out", "r", "--max-steps", "20"]).status, 0)
        for flag in [["--restart-dynamics"], ["--extend-frames", "10"]] {
            let early = try train(["--resume", "--out", "r"] + flag)
            XCTAssertNotEqual(early.status, 0)
            XCTAssertTrue(early.stderr.contains("still in phase 1 (40 frame steps): resume without it to finish phase 1 first"), early.stderr)
            let noResume = try train(["--out", "r"] + flag)
            XCTAssertEqual(noResume.status, 64)
            XCTAssertTrue(noResume.stderr.contains("continues a run's checkpoint: add --resume"), noResume.stderr)
        }
        // Once phase 1 is done, --restart-dynamics may change phase 2's settings without --override.
        XCTAssertEqual(try train(["--resume", "--out", "r", "--max-steps", "20"]).status, 0)
        let restarted = try train(["--resume", "--out", "r", "--restart-dynamics", "--reset-probability", "0.5", "--max-steps", "1"])
        XCTAssertEqual(restarted.status, 0, restarted.stderr)
        XCTAssertTrue(restarted.stderr.contains("reset-probability 0.25 -> 0.5"), restarted.stderr)
    }
}
