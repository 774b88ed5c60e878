import DuralavaNN
import TestSupport
import XCTest
import Foundation
import DuralavaTrainer
import DuralavaExperiments

final class CheckpointTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    static var tiny: ReferenceGANConfiguration {
        var c = ReferenceGANConfiguration()
        c.latentDim = 8; c.generatorBase = 2; c.generatorChannels = [8, 4]; c.rnnHidden = [16]
        c.criticChannels = [4, 8]; c.criticFeatures = 8; c.criticStateSize = 6; c.criticHidden = [12]; c.headHidden = 8
        c.batchSize = 3; c.sequenceLength = 4
        return c
    }

    /// Deterministic "real" frames for step `step`.
    static func realFrames(_ c: ReferenceGANConfiguration, step: Int) -> Tensor {
        let t = Tensor(shape: [c.batchSize * c.sequenceLength, c.imageSize, c.imageSize, 3])
        var rng = RandomGenerator(seed: UInt64(1000 + step))
        rng.fillUniform(t.buffer, low: 0, high: 1)
        return t
    }

    func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("duralava-\(getpid())-\(name)").path
    }

    func testResumeIsExact() throws {
        for adam in [true, false] {
            var c = Self.tiny
            c.adam = adam
            let path = tempPath("resume-\(adam).safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }

            let a = AdversarialTrainer(configuration: c, seed: 1)
            for s in 0..<3 { a.step(realFrames: Self.realFrames(c, step: s), generatorLearningRate: 1e-3, criticLearningRate: 1e-3) }
            try a.saveCheckpoint(to: path, metadata: ["note": "test"])
            let expected = a.step(realFrames: Self.realFrames(c, step: 3), generatorLearningRate: 1e-3, criticLearningRate: 1e-3)

            let b = AdversarialTrainer(configuration: c, seed: 999)  // different weights and RNG until loaded
            let contents = try b.loadCheckpoint(from: path)
            XCTAssertEqual(contents.step, 3)
            XCTAssertEqual(contents.metadata["note"], "test")
            let resumed = b.step(realFrames: Self.realFrames(c, step: 3), generatorLearningRate: 1e-3, criticLearningRate: 1e-3)

            XCTAssertEqual(resumed.criticLoss.bitPattern, expected.criticLoss.bitPattern, "critic loss after resume (adam \(adam))")
            XCTAssertEqual(resumed.generatorLoss.bitPattern, expected.generatorLoss.bitPattern, "generator loss after resume (adam \(adam))")
            for (p, q) in zip(a.checkpointParameters, b.checkpointParameters) {
                XCTAssertEqual(p.value.array, q.value.array, "\(p.name) after the resumed step")
            }
            XCTAssertEqual(a.rng, b.rng)
            XCTAssertEqual(a.stepCount, b.stepCount)
        }
    }

    func testSaveIsAtomicAndLeavesNoTemporaryFile() throws {
        let path = tempPath("atomic.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Parameter(name: "w", shape: [3])
        p.value.fill(1)
        try Checkpoint.save(to: path, parameters: [p], step: 1)
        p.value.fill(2)
        try Checkpoint.save(to: path, parameters: [p], step: 2)
        let dir = (path as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("duralava-\(getpid())-atomic.safetensors.") }
        XCTAssertEqual(leftovers, [])
        p.value.fill(0)
        XCTAssertEqual(try Checkpoint.load(from: path, parameters: [p]).step, 2)
        XCTAssertEqual(p.value.array, [2, 2, 2])
    }

    func testCorruptAndMismatchedCheckpointsAreRejected() throws {
        let path = tempPath("bad.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Parameter(name: "w", shape: [4])
        p.value.fill(3)
        let adam = Adam(parameters: [p])
        try Checkpoint.save(to: path, parameters: [p], optimizers: ["opt": adam], randomGenerators: ["r": RandomGenerator(seed: 1)], step: 5)

        func expectError(_ what: String, parameters: [Parameter], optimizers: [String: Optimizer] = [:], contains text: String) {
            XCTAssertThrowsError(try Checkpoint.load(from: path, parameters: parameters, optimizers: optimizers), what) { error in
                let d = "\(error)"
                XCTAssertTrue(d.contains(path), "error names the file: \(d)")
                XCTAssertTrue(d.contains(text), "\(what): \(d)")
            }
        }
        expectError("wrong shape", parameters: [Parameter(name: "w", shape: [5])], optimizers: ["opt": adam], contains: "shape")
        expectError("missing tensor", parameters: [p, Parameter(name: "other", shape: [1])], optimizers: ["opt": adam], contains: "missing")
        expectError("unused tensor", parameters: [p], contains: "belongs to no parameter")
        expectError("optimizer kind", parameters: [p], optimizers: ["opt": SGD(parameters: [p])], contains: "optimizer")

        // Truncated file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 5).write(to: URL(fileURLWithPath: path))
        p.value.fill(7)
        expectError("truncated", parameters: [p], optimizers: ["opt": adam], contains: "unreadable")
        XCTAssertEqual(p.value.array, [7, 7, 7, 7], "a failed load modifies nothing")
        // Not a checkpoint at all.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        expectError("garbage", parameters: [p], contains: "unreadable")
    }
}
