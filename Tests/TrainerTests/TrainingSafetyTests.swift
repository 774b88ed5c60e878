import DuralavaData
import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer
import Foundation
import TestSupport
import XCTest

/// A diverging, killed or doubled training run never destroys its history (docs/reliability.md#training-keeps-its-history).
final class TrainingSafetyTests: XCTestCase {
    func tinyData() -> LampSequences {
        let p = TrainingPreset.tiny
        return LampSequences.simulated(count: p.sequences, length: p.sequenceLength, width: 16, height: 16,
                                       stepSeconds: p.stepSeconds, seed: 7)
    }

    func runDirectory() -> String { NSTemporaryDirectory() + "duralava-safety-" + UUID().uuidString }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// `--reconstruction-weight 1e30` used to overwrite checkpoint.safetensors with infinities
    /// every 40 steps and exit 0; the trainer's own loader then refused the file.
    func testDivergingRunKeepsTheLastGoodCheckpoint() throws {
        let data = tinyData(), dir = runDirectory()
        let good = try LampTrainer(preset: .tiny, data: data, directory: dir, seed: 5) { _ in }
        XCTAssertFalse(try good.run(stopAfter: 40))
        let saved = try bytes(dir + "/checkpoint.safetensors"), model = try bytes(dir + "/model.safetensors")

        var wild = TrainingPreset.tiny
        wild.frame.reconstructionWeight = 1e30
        let diverging = try LampTrainer(preset: wild, data: data, directory: dir, seed: 5) { _ in }
        try diverging.resume()
        XCTAssertThrowsError(try diverging.run()) { error in
            XCTAssertTrue("\(error)".contains("diverged"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertEqual(try bytes(dir + "/checkpoint.safetensors"), saved, "the last good checkpoint is untouched")
        XCTAssertEqual(try bytes(dir + "/model.safetensors"), model, "no non-finite model exported over the good one")

        // --resume and --export-only still work from it.
        let again = try LampTrainer(preset: .tiny, data: data, directory: dir, seed: 5) { _ in }
        try again.resume()
        XCTAssertEqual(again.step, 40)
        try again.export()
        XCTAssertNoThrow(try LampModel(path: dir + "/model.safetensors"))
    }

    /// A NaN learning rate makes the loss NaN on the next step: the run stops with a message
    /// naming the loss, before a checkpoint or metrics row of NaN is written.
    func testNonFiniteLossStopsTheRun() throws {
        var p = TrainingPreset.tiny
        p.frame.learningRate = .nan
        let dir = runDirectory()
        let t = try LampTrainer(preset: p, data: tinyData(), directory: dir, seed: 5) { _ in }
        XCTAssertThrowsError(try t.run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("loss is nan") && text.contains("no checkpoint was written"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/checkpoint.safetensors"))
        let csv = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8)
        XCTAssertFalse(csv.contains("nan"), csv)
    }

    func testCheckpointSaveRefusesNonFiniteValues() throws {
        let dir = runDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let w = Parameter(name: "w", shape: [3])
        w.value.pointer[0] = 1
        try Checkpoint.save(to: dir + "/c.safetensors", parameters: [w], step: 1)
        let before = try bytes(dir + "/c.safetensors")
        w.value.pointer[2] = .infinity
        XCTAssertThrowsError(try Checkpoint.save(to: dir + "/c.safetensors", parameters: [w], step: 2)) {
            XCTAssertTrue("\($0)".contains("parameter \"w\" holds inf at element 2"), "\($0)")
        }
        XCTAssertEqual(try bytes(dir + "/c.safetensors"), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["c.safetensors"], "no temporary file left")
    }

    /// A run killed between checkpoints (here: the checkpoint of step 40 put back after the
    /// run went on to 70) and resumed writes steps 41–70 again: metrics.csv keeps one row per
    /// step.
    func testResumeDoesNotDuplicateMetricsRows() throws {
        let data = tinyData(), dir = runDirectory()
        let first = try LampTrainer(preset: .tiny, data: data, directory: dir, seed: 5) { _ in }
        XCTAssertFalse(try first.run(stopAfter: 40))
        let at40 = try bytes(dir + "/checkpoint.safetensors")
        XCTAssertFalse(try first.run(stopAfter: 30))
        try at40.write(to: URL(fileURLWithPath: dir + "/checkpoint.safetensors"))
        let second = try LampTrainer(preset: .tiny, data: data, directory: dir, seed: 5) { _ in }
        try second.resume()
        XCTAssertEqual(second.step, 40)
        XCTAssertTrue(try second.run())
        let rows = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first?.hasPrefix("step,"), true)
        XCTAssertEqual(rows.dropFirst().map { Int($0.prefix { $0 != "," })! }, Array(1...120))
    }

    /// The reliability issue, item 3: only duralava's own temporaries whose writer is gone
    /// are swept (`NAME.duralava-PID.partial`); another program's `.partial` or `.tmp-N` file,
    /// and a live writer's temporary, stay.
    func testRunDirectoryLockIsExclusiveAndCleansOnlyItsOwnStaleTemporaries() throws {
        let dir = runDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let stale = ["checkpoint.safetensors.duralava-\(dead).partial", "samples-000030.png.duralava-\(dead).partial"]
        let kept = ["checkpoint.safetensors.tmp-4242", "samples-000030.png.partial", "film.mkv.partial", "metrics.csv", "notes.tmp-x",
                    "model.safetensors.duralava-\(getpid()).partial", "model.safetensors.duralava-1.partial"]
        for name in stale + kept { FileManager.default.createFile(atPath: dir + "/" + name, contents: Data([1])) }
        var lock: RunDirectoryLock? = try RunDirectoryLock(directory: dir)
        XCTAssertThrowsError(try RunDirectoryLock(directory: dir)) {
            XCTAssertTrue("\($0)".contains("in use by another duralava-train (pid \(getpid()))"), "\($0)")
        }
        XCTAssertEqual(lock?.removeStaleTemporaryFiles(in: dir), stale.sorted())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), (kept + ["lock"]).sorted())
        lock = nil
        XCTAssertNoThrow(try RunDirectoryLock(directory: dir), "released with its owner")
    }
}

/// The same, through `duralava-train` itself.
final class TrainCommandSafetyTests: XCTestCase {
    var tool: String { productPath("duralava-train") }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-train is not built") }
    }

    /// A second trainer on a run directory in use is a one-line error, exit 1.
    func testSecondTrainerOnTheSameRunDirectoryIsRefused() throws {
        let parent = temporaryDirectory(prefix: "duralava-cli-"), dir = parent + "/run"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let held = try RunDirectoryLock(directory: dir)
        let r = try runProcess(tool, ["train", "--preset", "tiny", "--out", dir])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.errorLines.count, 2, r.stderr) // the simulator's note, then the error
        XCTAssertTrue(r.stderr.contains("is in use by another duralava-train"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/metrics.csv"))
        withExtendedLifetime(held) {}
    }

    /// Starts a tiny training that would run for minutes, sends `signal` once it has trained a
    /// step, and returns how it ended.
    func trainAndStop(with signal: Int32, dir: String) throws -> ProcessResult {
        try runProcess(tool, ["train", "--preset", "tiny", "--frame-steps", "200000", "--out", dir]) { p in
            // Wait for the first progress (the run directory's metrics), then send the signal.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, (try? String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8))?.contains("\n1,") != true {
                usleep(20_000)
            }
            kill(p.processIdentifier, signal)
        }
    }

    /// SIGHUP (a closed terminal) saves a checkpoint like SIGTERM, and the stop message does
    /// not claim a model was written. The exit status is 129 (128 + SIGHUP), as shells expect
    /// of a process stopped by a signal: `train && quantize` does not go on.
    func testHangupSavesACheckpointAndSaysNoModelWasWritten() throws {
        let dir = temporaryDirectory(prefix: "duralava-cli-") + "/run"
        let r = try trainAndStop(with: SIGHUP, dir: dir)
        XCTAssertEqual(r.reason, .exit, "exits by itself, not killed by the signal")
        XCTAssertEqual(r.status, 129, r.stderr)
        XCTAssertTrue(r.stdout.contains("no model was written"), r.stdout)
        XCTAssertFalse(r.stdout.contains("model so far"), r.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/checkpoint.safetensors"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/model.safetensors"))
    }

    /// The reliability issue, item 6: SIGINT and SIGTERM save, then exit 130 and 143 (they
    /// used to exit 0, so `train && quantize` quantized the model so far).
    func testInterruptAndTerminateExitWithTheShellsStatus() throws {
        for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let dir = temporaryDirectory(prefix: "duralava-cli-") + "/run"
            let r = try trainAndStop(with: signal, dir: dir)
            XCTAssertEqual(r.reason, .exit, "exits by itself after saving")
            XCTAssertEqual(r.status, status, r.stderr)
            XCTAssertTrue(r.stderr.contains("checkpoint saved"), r.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/checkpoint.safetensors"))
        }
    }

    /// A stderr whose reader has gone (`2>&1 | tee log`, tee exits) used to kill the trainer
    /// with SIGPIPE; now the lines are lost and the run finishes.
    func testBrokenStderrDoesNotKillTheTrainer() throws {
        let dir = temporaryDirectory(prefix: "duralava-cli-") + "/run"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["train", "--preset", "tiny", "--frame-steps", "40", "--dynamics-steps", "10", "--out", dir]
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = FileHandle.nullDevice
        try pipe.fileHandleForReading.close()
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "not killed by SIGPIPE")
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/model.safetensors"))
    }

    /// The reliability issue, item 3: a failing command neither removes another program's
    /// `.partial` file nor leaves a lock file behind.
    func testFailingCommandKeepsForeignFilesAndLeavesNoLock() throws {
        let dir = temporaryDirectory(prefix: "duralava-cli-") + "/d"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("film".utf8).write(to: URL(fileURLWithPath: dir + "/film.mkv.partial"))
        let r = try runProcess(tool, ["train", "--preset", "tiny", "--export-only", "--out", dir])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("checkpoint.safetensors does not exist"), r.stderr)
        XCTAssertFalse(r.stderr.contains("removed"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["film.mkv.partial"])
    }
}
