import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// A small model file can neither hang the header parser nor make the
/// runtime allocate gigabytes (docs/reliability.md#model-files).
final class ModelLimitsTests: XCTestCase {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = Date()
        try body()
        return Date().timeIntervalSince(t)
    }

    /// 80,000 keys took 10–20 s with the quadratic duplicate-key check. No wall-clock bound
    /// (it failed under ASan on a loaded machine): the parse must scale linearly — 8× the keys
    /// may take at most 24× the time (quadratic parsing takes 64×), both measured in this run.
    func testEightyThousandKeysParseInLinearTime() throws {
        func metadataFile(_ n: Int) -> [UInt8] {
            rawFile(header: "{\"__metadata__\":{" + (0..<n).map { "\"k\(zeroPadded($0, 6))\":\"v\"" }.joined(separator: ",") + "}}")
        }
        func tensorFile(_ n: Int) -> [UInt8] {
            rawFile(header: "{" + (0..<n).map { "\"t\(zeroPadded($0, 6))\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}" }
                .joined(separator: ",") + "}")
        }
        for (what, make) in [("metadata keys", metadataFile), ("tensor keys", tensorFile)] {
            let small = make(10_000), large = make(80_000)
            var f: SafetensorsFile? = nil
            let tSmall = try (0..<2).map { _ in try seconds { f = try SafetensorsFile(bytes: small, path: "small") } }.min()!
            let tLarge = try seconds { f = try SafetensorsFile(bytes: large, path: "large") }
            XCTAssertEqual(what == "tensor keys" ? f?.tensors.count : f?.metadata.count, 80_000)
            XCTAssertLessThan(tLarge / max(tSmall, 1e-4), 24, "\(what): 10,000 in \(tSmall) s, 80,000 in \(tLarge) s")
        }
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
