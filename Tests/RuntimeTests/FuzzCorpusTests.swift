import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// The fuzzer's seed corpus and findings (fuzz/) as regression tests: every file loads or
/// is one ModelError on one line. Runs under AddressSanitizer in `make check`.
final class FuzzCorpusTests: XCTestCase {
    func files(_ folder: String) throws -> [String] {
        let dir = packageRoot + "/" + folder
        return try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map { dir + "/" + $0 }
    }

    func testCorpusAndFindingsLoadOrFailOnOneLine() throws {
        let all = try files("fuzz/corpus/model-file") + files("fuzz/findings")
        XCTAssertGreaterThanOrEqual(all.count, 9)
        var loaded = 0
        for path in all {
            do {
                let model = try LampModel(file: try SafetensorsFile(path: path))
                let animator = LampAnimator(model: model, seed: 1)
                animator.advance()
                animator.render(phase: 0.5)   // the 8-bit frame too: NaN must not trap
                loaded += 1
            } catch let e as ModelError {
                XCTAssertFalse(e.description.contains("\n"), "\(path): \(e.description)")
                XCTAssertTrue(e.description.hasPrefix(path + ": "), e.description)
            }
        }
        XCTAssertGreaterThanOrEqual(loaded, 3, "the tiny model, its int8 quantization and the NaN-frame finding are valid files")
    }

    /// Found by the fuzzer: finite but huge weights overflow the float generator to NaN; the
    /// 8-bit frame comes out black instead of trapping in the conversion.
    func testNaNFrameRendersBlack() throws {
        let model = try LampModel(file: try SafetensorsFile(path: packageRoot + "/fuzz/findings/nan-frame-traps-quantize.safetensors"))
        // The reference kernels overflow to NaN here (inf − inf); the optimized ones' fused
        // multiply-adds overflow to ±inf instead, which the sigmoid maps to 0 or 1. The 8-bit
        // conversion under test must handle the NaN.
        model.generator.kernels = .reference
        let animator = LampAnimator(model: model, seed: 1)
        animator.advance()
        animator.render(phase: 0)
        XCTAssertTrue(animator.frame.contains { $0.isNaN }, "the finding still produces a NaN frame")
        for i in 0..<animator.frameValueCount where animator.frame[i].isNaN { XCTAssertEqual(animator.rgb[i], 0) }
    }

    /// Found by the fuzzer: a key holding a newline made a two-line error.
    func testControlCharactersInNamesAreEscaped() {
        let header = "{\"a\\nb\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,4]}}"
        XCTAssertThrowsError(try SafetensorsFile(bytes: rawFile(header: header, data: [0, 0, 0, 0]), path: "x\ty")) {
            let text = "\($0)"
            XCTAssertEqual(text, "x\\ty: tensor \"a\\nb\": unsupported dtype \"Q9\" (expected one of F32, F16, I8, U8, I32, I64)")
        }
    }
}
