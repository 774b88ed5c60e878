// `duralava-convert inspect` prints its table byte for byte as it always has (its numbers now
// come from the runtime's one formatting helper, NumberFormat).

import Foundation
import TestSupport
import XCTest
import DuralavaRuntime

final class InspectCommandTests: XCTestCase {
    func testTableIsUnchanged() throws {
        let tool = productPath("duralava-convert")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-convert is not built") }
        var c = ModelConfig()
        c.latentDim = 8; c.frameHeight = 8; c.frameWidth = 8; c.baseHeight = 2; c.baseWidth = 2
        c.channels = [6, 4]; c.rnnHidden = [16]
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try RandomModel.writer(config: c, seed: 2).write(to: dir + "/m.safetensors")
        let r = try runProcess(tool, ["inspect", "--model", dir + "/m.safetensors"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, Self.expected)
    }

    /// A file with no metadata, or with no weight tensors, is an error (it exited 0 with an
    /// empty table; the reliability issue, item 8).
    func testFileWithoutMetadataOrWeightsIsAnError() throws {
        let tool = productPath("duralava-convert")
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("duralava-convert is not built") }
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var noMetadata = SafetensorsWriter()
        noMetadata.add("generator.tconv0.weight", shape: [2, 2], floats: [1, 2, 3, 4])
        try noMetadata.write(to: dir + "/no-metadata.safetensors")
        var noWeights = SafetensorsWriter()
        noWeights.metadata = ["format": "duralava"]
        try noWeights.write(to: dir + "/no-weights.safetensors")
        for (name, message) in [("no-metadata", "no __metadata__"), ("no-weights", "no weight tensors")] {
            let r = try runProcess(tool, ["inspect", "--model", dir + "/\(name).safetensors"])
            XCTAssertEqual(r.status, 1, "\(name): \(r.stdout)")
            XCTAssertEqual(r.errorLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }

    /// Printed by the command before its numbers moved to NumberFormat ("0.75", not "0.750").
    static let expected = """
        tensor                          shape              max|w|   SQNR per-layer  per-channel (dB)
        generator.tconv0.weight         2x2x6x8            1.472     43.4            44.7
        generator.tconv1.weight         4x4x4x6            0.75      44.5            45.5
        generator.tconv2.weight         4x4x3x4            0.794     45.7            46.1
        rnn.dense0.weight               16x8               1.385     43.9            47.4
        rnn.dense1.weight               8x16               0.14      45.4            47.9

        """
}
