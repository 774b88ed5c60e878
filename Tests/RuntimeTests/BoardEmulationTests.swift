import Foundation
import TestSupport
import XCTest

/// The Raspberry Pi build (`make board`: out/board/duralava, aarch64, Embedded Swift) run under
/// qemu-aarch64-static against the desktop build: the int8 lamp's frames byte for byte, the
/// float lamp's within one 8-bit level, the same one-line error for a corrupt model, and only
/// libc, libm and zlib as its dynamic dependencies (SDL is opened with dlopen when a window opens).
final class BoardEmulationTests: XCTestCase {
    private var board: String { packageRoot + "/out/board/duralava" }
    private var desktop: String { productPath("duralava") }

    private func emulator() throws -> String {
        guard FileManager.default.fileExists(atPath: board) else {
            throw XCTSkip("no out/board/duralava: `make board` builds it (make test does)")
        }
        guard let qemu = which("qemu-aarch64-static") else { throw XCTSkip("qemu-user-static is not installed (make board-deps)") }
        return qemu
    }

    /// Runs the board binary under qemu with the aarch64 libc and the downloaded arm64 zlib.
    private func runBoard(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        let qemu = try emulator()
        return try runProcess(qemu, ["-L", "/usr/aarch64-linux-gnu",
                                     "-E", "LD_LIBRARY_PATH=" + packageRoot + "/out/board/sysroot/lib/aarch64-linux-gnu",
                                     board] + arguments, currentDirectory: directory)
    }

    private func rgbFrames(_ apng: String) throws -> [UInt8] {
        guard let ffmpeg = which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed (make test-deps)") }
        let raw = NSTemporaryDirectory() + "/board-\(getpid())-\(UUID().uuidString).rgb"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let r = try runProcess(ffmpeg, ["-v", "error", "-y", "-i", apng, "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        XCTAssertEqual(r.status, 0, r.stderr)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    private func render(_ binary: String, model: String, out: String) throws -> Int32 {
        let args = ["render", "--model", packageRoot + "/models/" + model, "--steps", "24", "--between", "1", "--seed", "3", "--out", out]
        return binary == board ? try runBoard(args).status : try runProcess(binary, args).status
    }

    func testBoardRendersTheDesktopLamp() throws {
        _ = try emulator()
        let dir = NSTemporaryDirectory() + "/board-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for model in ["default-int8.safetensors", "default.safetensors"] {
            guard FileManager.default.fileExists(atPath: packageRoot + "/models/" + model) else { continue }
            XCTAssertEqual(try render(board, model: model, out: dir + "/board.png"), 0, model)
            XCTAssertEqual(try render(desktop, model: model, out: dir + "/desktop.png"), 0, model)
            if model.contains("int8") {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/board.png")),
                               try Data(contentsOf: URL(fileURLWithPath: dir + "/desktop.png")), "int8 frames byte for byte")
            } else {
                let a = try rgbFrames(dir + "/board.png"), b = try rgbFrames(dir + "/desktop.png")
                XCTAssertEqual(a.count, b.count)
                XCTAssertEqual(a.count, 48 * 64 * 64 * 3)
                let worst = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1, "float frames within one 8-bit level")
            }
        }
    }

    /// `render --out` as the desktop takes it (RenderOutput, one source for both): a frame
    /// directory `DIR/`, missing folders created, the same lines on stdout, the same files; a
    /// folder that cannot be made is the same one-line error, naming no temporary file.
    func testBoardWritesOutputsAsTheDesktopDoes() throws {
        _ = try emulator()
        let model = packageRoot + "/models/default-int8.safetensors"
        guard FileManager.default.fileExists(atPath: model) else { throw XCTSkip("no models/default-int8.safetensors") }
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var results: [String: [ProcessResult]] = [:]
        for who in ["board", "desktop"] {
            let dir = root + "/" + who
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: dir + "/blocker", contents: Data("a file".utf8))
            var rs: [ProcessResult] = []
            for out in ["new/frames/", "new/deeper/lamp.png", "blocker/sub/lamp.png"] {
                let args = ["render", "--model", model, "--steps", "3", "--seed", "2", "--out", out]
                rs.append(who == "board" ? try runBoard(args, in: dir) : try runProcess(desktop, args, currentDirectory: dir))
            }
            results[who] = rs
        }
        let b = results["board"]!, d = results["desktop"]!
        XCTAssertEqual(b[0].status, 0, b[0].stderr)
        XCTAssertEqual(b[0].stdout, "wrote 3 PNG frames in new/frames/, 64x64\n")
        XCTAssertEqual(b[1].status, 0, b[1].stderr)
        XCTAssertEqual(b[1].stdout, "wrote new/deeper/lamp.png (APNG, 3 frames, loops forever), 64x64\n")
        for k in 0..<2 { XCTAssertEqual(b[k].stdout, d[k].stdout) }
        for name in ["new/frames/frame-000000.png", "new/frames/frame-000002.png", "new/deeper/lamp.png"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/board/" + name)),
                           try Data(contentsOf: URL(fileURLWithPath: root + "/desktop/" + name)), name)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/board/new/frames").count, 3)
        XCTAssertEqual(b[2].status, 1)
        XCTAssertEqual(b[2].stderr, "duralava: error: blocker: exists and is not a directory\n")
        XCTAssertEqual(b[2].stderr, d[2].stderr)
    }

    func testBoardSaysTheSameErrorForACorruptModel() throws {
        _ = try emulator()
        let bad = NSTemporaryDirectory() + "/board-bad-\(getpid()).safetensors"
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let b = try runBoard(["render", "--model", bad, "--out", bad + ".png"])
        let d = try runProcess(desktop, ["render", "--model", bad, "--out", bad + ".png"])
        XCTAssertEqual(b.status, 1)
        XCTAssertEqual(d.status, 1)
        XCTAssertEqual(b.stderr, d.stderr)
        XCTAssertTrue(b.stderr.hasPrefix("duralava: error: " + bad + ": "), b.stderr)
        XCTAssertEqual(b.stderr.filter { $0 == "\n" }.count, 1, b.stderr)
    }

    /// A shape error names the shapes on the board too: an Array interpolated in a message
    /// printed "(cannot print value in embedded Swift)" there (the reliability issue, item 8).
    func testBoardPrintsShapesInErrors() throws {
        _ = try emulator()
        let source = packageRoot + "/models/default-int8.safetensors"
        guard FileManager.default.fileExists(atPath: source) else { throw XCTSkip("no models/default-int8.safetensors") }
        let bad = NSTemporaryDirectory() + "/board-shape-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: bad) }
        _ = try python("""
            import json, struct, sys
            b = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', b[:8])[0]
            h = json.loads(b[8:8 + n])
            name = sorted(k for k, v in h.items() if k != '__metadata__' and k.endswith('.bias') and len(v['shape']) == 1)[0]
            h[name]['shape'] = [1] + h[name]['shape']
            s = json.dumps(h).encode()
            open(sys.argv[2], 'wb').write(struct.pack('<Q', len(s)) + s + b[8 + n:])
            """, [source, bad], modules: "json")
        let b = try runBoard(["render", "--model", bad, "--out", bad + ".png"])
        let d = try runProcess(desktop, ["render", "--model", bad, "--out", bad + ".png"])
        XCTAssertEqual(b.status, 1)
        XCTAssertFalse(b.stderr.contains("cannot print"), b.stderr)
        XCTAssertTrue(b.stderr.contains("has shape [1, "), b.stderr)
        XCTAssertEqual(b.stderr, d.stderr)
    }

    /// `run --windowed` of the aarch64 binary under qemu, on Xvfb, with the arm64 libSDL2
    /// (`make board` installs libsdl2-2.0-0:arm64): a lamp on the screen.
    func testBoardWindowShowsALampUnderEmulation() throws {
        let qemu = try emulator()
        guard FileManager.default.fileExists(atPath: "/lib/aarch64-linux-gnu/libSDL2-2.0.so.0") else {
            throw XCTSkip("no arm64 libSDL2 (make board installs libsdl2-2.0-0:arm64)")
        }
        let dir = temporaryDirectory()
        // qemu finds the arm64 libc, zlib and SDL2 that multiarch installed under / (libc6:arm64).
        let screen = try litPixelsOfLampWindow(qemu, ["-L", "/", board, "run", "--windowed", "--duration", "10",
                                                      "--model", packageRoot + "/models/default-int8.safetensors"],
                                               dir: dir, wait: 6, display: 500)
        XCTAssertEqual(screen.status, 0, screen.stderr)
        XCTAssertGreaterThan(screen.lit, screen.total / 20, "the emulated board shows a lamp: \(dir)/screen.png")
    }

    /// The kernels compiled for aarch64 against the reference kernels, under emulation.
    func testBoardKernelsAgreeWithTheReference() throws {
        let r = try runBoard(["selftest"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("27 of 27 checks agree"), r.stdout + r.stderr)
    }

    func testBoardParserAndDependencies() throws {
        let help = try runBoard(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("usage: duralava [run|render]"), help.stdout)
        let wrong = try runBoard(["render", "--steps", "many"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertEqual(wrong.stderr, "duralava: error: --steps many: expected an integer in 1...10000000 (see --help)\n")
        guard let readelf = which("readelf") ?? which("aarch64-linux-gnu-readelf") else { throw XCTSkip("no readelf") }
        let dynamic = try runProcess(readelf, ["-d", board])
        let needed = dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            .compactMap { $0.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
        XCTAssertEqual(Set(needed), ["libz.so.1", "libm.so.6", "libc.so.6", "ld-linux-aarch64.so.1"], "\(needed)")
    }
}
