import Foundation
import TestSupport
import XCTest

/// The browser build (`make web`: out/web, docs/web.md): its duralava.wasm under node — the
/// kernels at the portable and the SIMD128 level against the reference kernels (int8 bit for
/// bit), the int8 lamp's frames byte for byte as the desktop `duralava render` writes them and
/// the float lamp's within one 8-bit level, the desktop's one-line error for a corrupt model, no
/// allocation per display frame — and the page itself in headless Chromium served from
/// 127.0.0.1: a lit lamp that moves, the page's first step frames equal to the desktop's, and a
/// dropped bad file's error on the page, and the one-file lamp.html opened from disk. Skipped where node, Chromium or out/web are missing
/// (`make test` installs and builds them).
final class WebTests: XCTestCase {
    private var web: String { packageRoot + "/out/web" }
    private var wasm: String { web + "/duralava.wasm" }
    private var desktop: String { productPath("duralava") }
    private var int8Model: String { packageRoot + "/models/default-int8.safetensors" }

    private func node() throws -> String {
        guard FileManager.default.fileExists(atPath: wasm) else { throw XCTSkip("no out/web/duralava.wasm: `make web` builds it (make test does)") }
        guard let node = which("node") ?? which("nodejs") else { throw XCTSkip("node is not installed (make test-deps)") }
        return node
    }

    /// One JSON line of Tests/Web/node-check.js.
    private func nodeCheck(_ arguments: [String]) throws -> [String: Any] {
        let r = try runProcess(try node(), [packageRoot + "/Tests/Web/node-check.js", wasm] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// The desktop lamp's first `steps` frames (`duralava render`, one frame per step), RGB.
    private func desktopFrames(model: String, seed: Int, steps: Int) throws -> [UInt8] {
        guard let ffmpeg = which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed (make test-deps)") }
        let dir = temporaryDirectory(prefix: "duralava-web-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runProcess(desktop, ["render", "--model", model, "--steps", String(steps), "--seed", String(seed), "--out", dir + "/lamp.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let d = try runProcess(ffmpeg, ["-v", "error", "-y", "-i", dir + "/lamp.png", "-f", "rawvideo", "-pix_fmt", "rgb24", dir + "/lamp.rgb"])
        XCTAssertEqual(d.status, 0, d.stderr)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/lamp.rgb")))
    }

    func testWasmKernelsAgreeWithTheReferenceKernelsAtEveryLevel() throws {
        let result = try nodeCheck(["selftest"])
        let levels = result["levels"] as? [[String: Any]] ?? []
        XCTAssertEqual(levels.map { $0["level"] as? String }, ["portable", "simd128"])
        for level in levels {
            XCTAssertEqual(level["checks"] as? Int, 27, "\(level)")
            XCTAssertEqual(level["failures"] as? Int, 0, "\(level): \(result["stderr"] ?? "")")
        }
    }

    func testWasmRendersTheDesktopLamp() throws {
        _ = try node()
        let dir = temporaryDirectory(prefix: "duralava-web-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for model in ["default-int8.safetensors", "default.safetensors"] {
            let path = packageRoot + "/models/" + model
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let expected = try desktopFrames(model: path, seed: 3, steps: 24)
            let result = try nodeCheck(["frames", path, "3", "24", dir + "/web.rgb"])
            XCTAssertEqual(result["level"] as? String, "simd128")
            let got = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/web.rgb")))
            XCTAssertEqual(got.count, 24 * 64 * 64 * 3, model)
            XCTAssertEqual(expected.count, got.count, model)
            if model.contains("int8") {
                XCTAssertTrue(got == expected, "int8 frames byte for byte")
            } else {
                let worst = zip(got, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1, "float frames within one 8-bit level")
            }
        }
    }

    func testWasmSaysTheDesktopErrorForACorruptModel() throws {
        _ = try node()
        let bad = temporaryDirectory(prefix: "duralava-web-") + "/bad.safetensors"
        defer { try? FileManager.default.removeItem(atPath: (bad as NSString).deletingLastPathComponent) }
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: bad))
        let result = try nodeCheck(["error", bad])
        let d = try runProcess(desktop, ["render", "--model", bad, "--out", bad + ".png"])
        XCTAssertEqual(d.status, 1)
        XCTAssertEqual("duralava: error: " + (result["error"] as? String ?? "") + "\n", d.stderr)
    }

    func testWasmAllocatesNothingPerDisplayFrame() throws {
        let result = try nodeCheck(["allocations", int8Model, "400"])
        XCTAssertEqual(result["frames"] as? Int, 400)
        XCTAssertEqual(result["allocations"] as? Int, 0, "allocations in 400 display frames (100 model steps)")
        XCTAssertEqual(result["memoryBefore"] as? Int, result["memoryAfter"] as? Int, "the module's memory does not grow")
    }

    /// The page in headless Chromium (Tests/Web/browser-check.js serves out/web on 127.0.0.1).
    func testPageShowsTheLampInHeadlessChromium() throws {
        let node = try node()
        guard let chromium = which("chromium") ?? which("chromium-browser") else { throw XCTSkip("chromium is not installed (make test-deps)") }
        let dir = temporaryDirectory(prefix: "duralava-web-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runProcess(node, [packageRoot + "/Tests/Web/browser-check.js", chromium, web, "8", "3", dir + "/page.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], r.stderr)
        let state = try XCTUnwrap(result["state"] as? [String: Any])
        XCTAssertTrue(state["error"] is NSNull, "\(state["error"] ?? "")")
        XCTAssertEqual(state["level"] as? String, "simd128")
        XCTAssertEqual(state["int8"] as? Bool, true)

        // The page's first 8 step frames are the desktop's, byte for byte.
        let expected = try desktopFrames(model: int8Model, seed: 3, steps: 8)
        let frames = (state["frames"] as? [String] ?? []).compactMap { Data(base64Encoded: $0) }
        XCTAssertEqual(frames.count, 8)
        XCTAssertTrue(frames.map { [UInt8]($0) }.joined().elementsEqual(expected), "the page's int8 frames are the desktop's")

        // A lit lamp: the canvas is not black, and it changes over 2.5 seconds.
        let first = [UInt8](Data(base64Encoded: result["first"] as? String ?? "") ?? Data())
        let second = [UInt8](Data(base64Encoded: result["second"] as? String ?? "") ?? Data())
        XCTAssertEqual(first.count, 64 * 64 * 3)
        XCTAssertEqual(second.count, first.count)
        let bright = first.filter { $0 > 100 }.count
        XCTAssertGreaterThan(bright, first.count / 50, "lit: more than 2 % of the canvas's values above 100")
        let changed = zip(first, second).filter { abs(Int($0) - Int($1)) > 8 }.count
        XCTAssertGreaterThan(changed, first.count / 100, "the lamp moves: more than 1 % of the values change by more than 8 levels")
        XCTAssertGreaterThan(result["renders"] as? Int ?? 0, 30, "requestAnimationFrame drives the canvas")
        XCTAssertGreaterThan((try? Data(contentsOf: URL(fileURLWithPath: dir + "/page.png")))?.count ?? 0, 1000, "a screenshot")

        // A bad dropped file: the runtime's one-line error on the page, and the lamp goes on.
        let dropped = try XCTUnwrap(result["dropped"] as? [String: Any])
        let message = dropped["shown"] as? String ?? ""
        XCTAssertTrue(message.hasPrefix("bad.safetensors: header length "), message)
        XCTAssertFalse(message.contains("\n"))
        XCTAssertGreaterThan(result["rendersAfterDrop"] as? Int ?? 0, 5, "the lamp keeps running after a bad file")
        XCTAssertEqual(result["console"] as? [String], [], "nothing on the page's console")

        // URL options: ?palette=ocean&rate=5 turns the red lamp blue; a wrong palette is a one-line error.
        let options = try XCTUnwrap(result["options"] as? [String: Any])
        let original = (options["original"] as? [String: Any])?["sums"] as? [Int] ?? []
        let ocean = (options["ocean"] as? [String: Any])?["sums"] as? [Int] ?? []
        XCTAssertEqual(original.count, 3)
        XCTAssertEqual(ocean.count, 3)
        if original.count == 3 && ocean.count == 3 {
            XCTAssertGreaterThan(original[0], original[2], "the original lamp is red")
            XCTAssertGreaterThan(ocean[2], ocean[0], "the ocean palette's is blue")
        }
        XCTAssertEqual(options["wrongPalette"] as? String,
                       "palette plaid: expected one of original, ocean, forest, violet, ember, mono")

        // lamp.html from disk (file://, the wasm and the model inlined): the same lamp.
        let single = try XCTUnwrap(result["singleFile"] as? [String: Any])
        XCTAssertTrue(single["error"] is NSNull, "\(single["error"] ?? "")")
        XCTAssertEqual(single["frames"] as? [String], state["frames"] as? [String], "lamp.html computes the same frames")
        XCTAssertGreaterThan(single["renders"] as? Int ?? 0, 5, "lamp.html animates")
    }
}
