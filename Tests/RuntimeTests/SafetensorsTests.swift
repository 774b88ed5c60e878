import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// A small but complete model (2 generator blocks, 8x8 frames), for fast format tests.
func tinyConfig() -> ModelConfig {
    var c = ModelConfig()
    c.latentDim = 8; c.frameHeight = 8; c.frameWidth = 8; c.baseHeight = 2; c.baseWidth = 2
    c.channels = [6, 4]; c.kernel = 4; c.rnnHidden = [16]; c.rnnResidual = true
    return c
}

func tinyModelBytes(seed: UInt64 = 3) -> [UInt8] {
    RandomModel.writer(config: tinyConfig(), seed: seed).serialized()
}

/// Builds a header by hand, for files no well-behaved writer would produce.
func rawFile(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let n = declaredLength ?? UInt64(h.count)
    return (0..<8).map { UInt8((n >> (8 * UInt64($0))) & 0xFF) } + h + data
}

final class SafetensorsTests: XCTestCase {
    func loadError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> ModelError? {
        do {
            let f = try SafetensorsFile(bytes: bytes, path: "bad.safetensors")
            _ = try LampModel(file: f)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let e as ModelError {
            XCTAssertTrue(e.description.hasPrefix("bad.safetensors: "), e.description, file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), "one line", file: file, line: line)
            return e
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testRoundTripKeepsValuesAndMetadata() throws {
        var w = SafetensorsWriter()
        w.metadata = ["a": "1", "quote\"d": "line\nbreak"]
        let values: [Float] = [0, -1.5, 3.25e-8, .greatestFiniteMagnitude, 7]
        w.add("t.x", shape: [5], floats: values)
        w.add("t.y", shape: [1, 2], floats: [1, 2])
        let bytes = w.serialized()
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
        let f = try SafetensorsFile(bytes: bytes, path: "mem")
        XCTAssertEqual(f.metadata, w.metadata)
        XCTAssertEqual(try f.floats("t.x"), values)
        XCTAssertEqual(f.tensors["t.y"]?.shape, [1, 2])
    }

    func testModelLoadsAndGeneratesAFrame() throws {
        let f = try SafetensorsFile(bytes: tinyModelBytes(), path: "tiny")
        let m = try LampModel(file: f)
        XCTAssertFalse(m.isTrained)
        let frame = m.generator.frame(for: [Float](repeating: 0.5, count: 8))
        XCTAssertEqual(frame.count, 8 * 8 * 3)
        XCTAssertTrue(frame.allSatisfy { $0 > 0 && $0 < 1 })
    }

    /// A file read tensor by tensor (init(path:), what a load does) gives what the same bytes in
    /// memory give, and says the same errors; F16 converts exactly on every target (zero, −0,
    /// subnormals, the largest half), not through Swift's Float16, which the armhf build lacks.
    func testFileReadInPiecesEqualsMemoryAndHalvesConvertExactly() throws {
        let halves: [UInt16] = [0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x7BFF, 0x3555]
        let expected: [Float] = [0, -0.0, 5.9604645e-08, 6.0975552e-05, 6.1035156e-05, 1, -2, 65504, 0.33325195]
        var w = SafetensorsWriter()
        w.add("a", shape: [2, 3], floats: [1, -2.5, 3e-7, 0, 1e30, -1e-30])
        w.addRaw("h", dtype: .f16, shape: [halves.count], bytes: halves.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        w.add("i", shape: [3], int32s: [-7, 0, Int32.max])
        let bytes = w.serialized()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/m.safetensors"))
        let fromFile = try SafetensorsFile(path: dir + "/m.safetensors"), inMemory = try SafetensorsFile(bytes: bytes, path: "m")
        XCTAssertEqual(try fromFile.floats("a"), try inMemory.floats("a"))
        XCTAssertEqual(try fromFile.floats("a"), [1, -2.5, 3e-7, 0, 1e30, -1e-30])
        XCTAssertEqual(try fromFile.int32s("i"), [-7, 0, Int32.max])
        let h = try fromFile.floats("h")
        XCTAssertEqual(h.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(try inMemory.floats("h").map(\.bitPattern), expected.map(\.bitPattern))
        // Truncated on disk: the same message as the same bytes in memory.
        let cut = Array(bytes[0..<(bytes.count - 3)])
        try Data(cut).write(to: URL(fileURLWithPath: dir + "/cut.safetensors"))
        var messages: [String] = []
        for load in [{ try SafetensorsFile(path: dir + "/cut.safetensors") }, { try SafetensorsFile(bytes: cut, path: dir + "/cut.safetensors") }] {
            do { _ = try load(); XCTFail("a truncated file loaded") } catch let e as ModelError { messages.append(e.description) }
        }
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(messages.first, messages.last)
        XCTAssertTrue(messages.first?.contains("run past the end of the data") ?? false, "\(messages)")
    }

    func testTruncatedFiles() {
        let good = tinyModelBytes()
        XCTAssertEqual(loadError([1, 2, 3])?.kind, .truncated)
        XCTAssertEqual(loadError(Array(good.prefix(20)))?.kind, .truncated)
        // Cut inside the data: offsets now run past the end.
        XCTAssertEqual(loadError(Array(good.dropLast(10)))?.kind, .offsets)
    }

    func testAbsurdHeaderLength() {
        XCTAssertEqual(loadError(rawFile(header: "{}", declaredLength: 1 << 60))?.kind, .headerLength)
        XCTAssertEqual(loadError(rawFile(header: "{}", declaredLength: UInt64.max))?.kind, .headerLength)
    }

    func testInvalidJSON() {
        for header in ["{\"a\":", "[1,2]", "{\"a\" 1}", "{\"x\":{\"dtype\":\"F32\",}}", "nul", "{\"a\":\"\\ud800\"}",
                       String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
                       "{\"a\":1,\"a\":2}", "{\"__metadata__\":{\"k\":3}}"] {
            XCTAssertEqual(loadError(rawFile(header: header))?.kind, .headerJSON, header)
        }
        XCTAssertEqual(loadError(rawFile(header: "{\"a\":\u{01}}"))?.kind, .headerJSON)
        XCTAssertEqual(loadError(rawFile(header: "{}"))?.kind, .metadata) // valid JSON, but no model metadata
    }

    func testBadTensorEntries() {
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":3}"))?.kind, .tensorEntry)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]))?.kind, .tensorEntry)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]))?.kind, .tensorEntry)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", data: [0, 0, 0, 0]))?.kind, .tensorEntry)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]))?.kind, .dtype)
    }

    func testOffsets() {
        let four: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", data: four))?.kind, .offsets)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", data: four))?.kind, .offsets)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: four))?.kind, .offsets)
        XCTAssertEqual(loadError(rawFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999,99999999999],\"data_offsets\":[0,4]}}", data: four))?.kind, .offsets)
        let overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        XCTAssertEqual(loadError(rawFile(header: overlap, data: four))?.kind, .offsets)
    }

    /// Rewrites one tensor of the tiny model (or drops it) and returns the file.
    func tinyModel(replacing name: String, with tensor: (shape: [Int], floats: [Float])?, dtype: TensorDType = .f32,
                   metadata: [String: String?] = [:]) throws -> [UInt8] {
        let f = try SafetensorsFile(bytes: tinyModelBytes(), path: "tiny")
        var w = SafetensorsWriter()
        w.metadata = f.metadata
        for (k, v) in metadata { w.metadata[k] = v }
        for (n, info) in f.tensors {
            if n == name {
                guard let tensor else { continue }
                if dtype == .f32 {
                    w.add(n, shape: tensor.shape, floats: tensor.floats)
                } else {
                    w.addRaw(n, dtype: dtype, shape: tensor.shape, bytes: [UInt8](repeating: 1, count: tensor.floats.count * dtype.size))
                }
            } else {
                w.add(n, shape: info.shape, floats: try f.floats(n))
            }
        }
        return w.serialized()
    }

    func testWrongShapeDtypeMissingAndNonFinite() throws {
        XCTAssertEqual(loadError(try tinyModel(replacing: "rnn.dense0.bias", with: ([15], [Float](repeating: 0, count: 15))))?.kind, .shape)
        XCTAssertEqual(loadError(try tinyModel(replacing: "rnn.dense0.bias", with: ([16], [Float](repeating: 0, count: 16)), dtype: .i32))?.kind, .dtype)
        XCTAssertEqual(loadError(try tinyModel(replacing: "generator.tconv1.weight", with: nil))?.kind, .missingTensor)
        var bias = [Float](repeating: 0, count: 16); bias[7] = .nan
        XCTAssertEqual(loadError(try tinyModel(replacing: "rnn.dense0.bias", with: ([16], bias)))?.kind, .nonFinite)
        bias[7] = .infinity
        XCTAssertEqual(loadError(try tinyModel(replacing: "rnn.dense0.bias", with: ([16], bias)))?.kind, .nonFinite)
    }

    func testStartLatentsLoadAndBadShapeIsAnError() throws {
        var w = RandomModel.writer(config: tinyConfig(), seed: 3)
        w.add("rnn.start_latents", shape: [2, 8], floats: (0..<16).map(Float.init))
        XCTAssertEqual(try LampModel(file: try SafetensorsFile(bytes: w.serialized(), path: "s")).startLatents, (0..<16).map(Float.init))
        var bad = RandomModel.writer(config: tinyConfig(), seed: 3)
        bad.add("rnn.start_latents", shape: [2, 7], floats: (0..<14).map(Float.init))
        XCTAssertEqual(loadError(bad.serialized())?.kind, .shape)
    }

    func testVersionAndMetadata() throws {
        let keep = ("rnn.dense0.bias", ([16], [Float](repeating: 0, count: 16)))
        XCTAssertEqual(loadError(try tinyModel(replacing: keep.0, with: keep.1, metadata: ["format_version": "2"]))?.kind, .version)
        XCTAssertEqual(loadError(try tinyModel(replacing: keep.0, with: keep.1, metadata: ["format": "gguf"]))?.kind, .version)
        XCTAssertEqual(loadError(try tinyModel(replacing: keep.0, with: keep.1, metadata: ["latent_dim": nil]))?.kind, .metadata)
        XCTAssertEqual(loadError(try tinyModel(replacing: keep.0, with: keep.1, metadata: ["generator.channels": "6,x"]))?.kind, .metadata)
        XCTAssertEqual(loadError(try tinyModel(replacing: keep.0, with: keep.1, metadata: ["frame_height": "16"]))?.kind, .metadata)
    }

    /// Random corruptions of a valid file: every one either loads or throws a ModelError.
    func testRandomCorruptionNeverCrashes() throws {
        let good = tinyModelBytes()
        var rng = RandomSource(seed: 42)
        for _ in 0..<400 {
            var bytes = good
            for _ in 0..<(1 + rng.below(4)) {
                let i = rng.below(min(bytes.count, 600))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.below(4) == 0 { bytes.removeLast(rng.below(bytes.count)) }
            do {
                _ = try LampModel(file: try SafetensorsFile(bytes: bytes, path: "fuzz"))
            } catch is ModelError {
            } catch {
                XCTFail("unexpected error type \(error)")
            }
        }
    }
}
