import DuralavaRuntime
import Foundation
import XCTest

/// Issue 10, item 3: a small model file can neither hang the header parser nor make the
/// runtime allocate gigabytes.
final class ModelLimitsTests: XCTestCase {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = Date()
        try body()
        return Date().timeIntervalSince(t)
    }

    /// 80,000 keys took 10–20 s with the quadratic duplicate-key check; linear parsing takes
    /// well under a second. The bound is loose for sanitizer builds.
    func testEightyThousandKeysParseInLinearTime() throws {
        let meta = (0..<80_000).map { "\"k\(zeroPadded($0, 6))\":\"v\"" }.joined(separator: ",")
        let metaFile = rawFile(header: "{\"__metadata__\":{\(meta)}}")
        var f: SafetensorsFile? = nil
        let t1 = try seconds { f = try SafetensorsFile(bytes: metaFile, path: "meta") }
        XCTAssertEqual(f?.metadata.count, 80_000)
        XCTAssertLessThan(t1, 5, "metadata keys")

        let tensors = (0..<80_000).map { "\"t\(zeroPadded($0, 6))\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}" }
        let tensorFile = rawFile(header: "{" + tensors.joined(separator: ",") + "}")
        let t2 = try seconds { f = try SafetensorsFile(bytes: tensorFile, path: "tensors") }
        XCTAssertEqual(f?.tensors.count, 80_000)
        XCTAssertLessThan(t2, 5, "tensor keys")
    }

    func testDuplicateKeysAreStillFound() {
        let keys = (0..<1000).map { "\"k\($0)\":\"v\"" } + ["\"k500\":\"w\""]
        XCTAssertThrowsError(try SafetensorsFile(bytes: rawFile(header: "{\"__metadata__\":{\(keys.joined(separator: ","))}}"), path: "dup")) {
            let e = $0 as? ModelError
            XCTAssertEqual(e?.kind, .headerJSON)
            XCTAssertTrue(e?.message.contains("duplicate key \"k500\"") ?? false, "\(String(describing: e))")
        }
    }

    /// The model of the issue: a 2048x2048 frame through channels 1,8192,1 (8.6 GB per
    /// buffer). The metadata alone is refused — no tensor is read, nothing is allocated.
    func testHugeActivationsAreRefusedFromTheMetadata() throws {
        var c = ModelConfig()
        c.frameHeight = 2048; c.frameWidth = 2048; c.baseHeight = 256; c.baseWidth = 256
        c.channels = [1, 8192, 1]
        var w = SafetensorsWriter()
        w.metadata = c.metadata
        let f = try SafetensorsFile(bytes: w.serialized(), path: "huge.safetensors")
        XCTAssertThrowsError(try LampModel(file: f)) {
            guard let e = $0 as? ModelError else { return XCTFail("\($0)") }
            XCTAssertEqual(e.kind, .limits, e.description)
            XCTAssertTrue(e.description.hasPrefix("huge.safetensors: generator.channels 1,8192,1 at 2048x2048 need 8"), e.description)
            XCTAssertFalse(e.description.contains("\n"))
        }
    }

    func testFrameSizeAndWorkLimits() throws {
        func limitError(_ edit: (inout ModelConfig) -> Void) -> ModelError? {
            var c = ModelConfig.reference()
            edit(&c)
            do { try ModelLimits.check(c, path: "m"); return nil } catch { return error as? ModelError }
        }
        XCTAssertNil(limitError { _ in }, "the reference 64x64 lamp")
        XCTAssertNil(limitError { c in
            // A 1024x1024 lamp, six blocks: 76 MB of activations.
            c.frameHeight = 1024; c.frameWidth = 1024; c.baseHeight = 16; c.baseWidth = 16
            c.channels = [256, 128, 64, 32, 16, 8]
        }, "a large but reasonable lamp")
        XCTAssertEqual(limitError { c in
            c.frameHeight = 4096; c.frameWidth = 4096; c.baseHeight = 256; c.baseWidth = 256
        }?.message.contains("pixels"), true, "frame size")
        XCTAssertEqual(limitError { c in c.channels = [8192, 8192, 8192, 8192] }?.message.contains("multiply-adds per frame"), true,
                       "work per frame")
        XCTAssertEqual(limitError { c in c.rnnHidden = [8192, 8192, 8192] }?.message.contains("per step"), true, "RNN work")
    }
}
