import Foundation
import TestSupport
import XCTest

/// The Raspberry Pi build (`make board`: out/board/duralava, aarch64, Embedded Swift) run under
/// qemu-aarch64-static against the desktop build: the int8 lamp's frames byte for byte, the
/// float lamp's within one 8-bit level, the same one-line error for a corrupt model, and only
/// libc, libm and zlib as its dynamic dependencies (SDL is opened with dlopen when a window opens);
/// the int8 kernel level picked at run time (sdot where the emulated core has it, NEON where not).
final class BoardEmulationTests: XCTestCase {
    private let arm64 = EmulatedBoard.arm64
    private var board: String { arm64.binary }
    private var desktop: String { productPath("duralava") }

    private func emulator() throws -> String { try arm64.emulator() }

    /// Runs the board binary under qemu with the aarch64 libc and the downloaded arm64 zlib.
    /// `cpu`: the emulated core (qemu's default is `max`, which has the Armv8.2 dot product).
    private func runBoard(_ arguments: [String], in directory: String? = nil, cpu: String? = nil,
                          simd: String? = nil) throws -> ProcessResult {
        try arm64.run(arguments, in: directory, cpu: cpu, simd: simd)
    }

    /// On qemu's default core (`max`), which has sdot: the int8 lamp on the sdot kernel.
    func testBoardRendersTheDesktopLamp() throws {
        try arm64.checkRendersTheDesktopLamp(desktop: desktop)
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
        try arm64.checkCorruptModelError(desktop: desktop)
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

    /// The kernels compiled for aarch64 against the reference kernels, under emulation, at the
    /// level the run-time dispatch picks from getauxval(AT_HWCAP): sdot on a core with the
    /// Armv8.2 dot product (qemu's `max`, a Cortex-A76 as in the Pi 5), plain NEON without it
    /// (a Cortex-A53: Pi 3, Zero 2 W) or when DURALAVA_SIMD=neon asks for it.
    func testBoardKernelsAgreeWithTheReference() throws {
        for (cpu, simd, level, layout) in [("max", nil, "neon-sdot", "signedBytes"), ("cortex-a76", nil, "neon-sdot", "signedBytes"),
                                           ("cortex-a53", nil, "neon", "pairs"), ("max", "neon", "neon", "pairs")] {
            let r = try runBoard(["selftest"], cpu: cpu, simd: simd)
            XCTAssertEqual(r.status, 0, cpu + ": " + r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("kernels (\(level)): 27 of 27 checks agree"), cpu + ": " + r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains(layout), cpu + ": " + r.stdout)
            if layout == "pairs" { XCTAssertFalse(r.stdout.contains("signedBytes"), cpu + ": " + r.stdout) }
        }
    }

    /// The int8 lamp of a core without sdot (Cortex-A53) is the desktop's byte for byte too (the
    /// default core, with sdot, is testBoardRendersTheDesktopLamp's).
    func testBoardRendersTheDesktopLampWithoutSdot() throws {
        try arm64.checkRendersTheDesktopLamp(desktop: desktop, steps: 12, cpu: "cortex-a53", models: ["default-int8.safetensors"])
    }

    func testBoardParserAndDependencies() throws {
        try arm64.checkParserAndDependencies()
    }
}

/// The 32-bit build (`make board ARCH=armhf`: out/board-armhf/duralava, Armv7-A hard-float with
/// NEON, Embedded Swift) under qemu-arm-static, tested as the aarch64 one: the same lamp as the
/// desktop's (int8 byte for byte), its kernels against the reference ones, the same errors.
final class BoardArmhfEmulationTests: XCTestCase {
    private let armhf = EmulatedBoard.armhf
    private var desktop: String { productPath("duralava") }

    func testArmhfRendersTheDesktopLamp() throws {
        try armhf.checkRendersTheDesktopLamp(desktop: desktop, steps: 12)
    }

    func testArmhfKernelsAgreeWithTheReference() throws {
        let r = try armhf.run(["selftest"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("kernels (neon): 27 of 27 checks agree"), r.stdout + r.stderr)
        let portable = try armhf.run(["selftest"], simd: "portable")
        XCTAssertEqual(portable.status, 0, portable.stderr)
        XCTAssertTrue(portable.stdout.hasPrefix("kernels (portable): 27 of 27 checks agree"), portable.stdout + portable.stderr)
    }

    /// Half-precision tensors on 32-bit Arm: an F16 copy of the float lamp renders as on the
    /// desktop (its conversion used Swift's Float16, compiled for arm64 and x86-64 only).
    func testArmhfReadsHalfPrecisionModels() throws {
        _ = try armhf.emulator()
        let source = packageRoot + "/models/default.safetensors"
        guard FileManager.default.fileExists(atPath: source) else { throw XCTSkip("no models/default.safetensors") }
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try python("""
            import json, struct, sys, numpy as np
            b = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', b[:8])[0]
            h = json.loads(b[8:8 + n]); data = b[8 + n:]
            out, blobs, off = {}, [], 0
            for k in sorted(h):
                if k == '__metadata__': out[k] = h[k]; continue
                v = h[k]; raw = data[v['data_offsets'][0]:v['data_offsets'][1]]; dt = v['dtype']
                if dt == 'F32': raw = np.frombuffer(raw, dtype='<f4').astype('<f2').tobytes(); dt = 'F16'
                out[k] = {'dtype': dt, 'shape': v['shape'], 'data_offsets': [off, off + len(raw)]}; blobs.append(raw); off += len(raw)
            s = json.dumps(out).encode(); s += b' ' * ((8 - len(s) % 8) % 8)
            open(sys.argv[2], 'wb').write(struct.pack('<Q', len(s)) + s + b''.join(blobs))
            """, [source, dir + "/f16.safetensors"], modules: "json, numpy")
        let args = ["render", "--model", dir + "/f16.safetensors", "--steps", "4", "--seed", "2"]
        let b = try armhf.run(args + ["--out", dir + "/board.png"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(try runProcess(desktop, args + ["--out", dir + "/desktop.png"]).status, 0)
        let x = try EmulatedBoard.rgbFrames(dir + "/board.png"), y = try EmulatedBoard.rgbFrames(dir + "/desktop.png")
        XCTAssertEqual(x.count, 4 * 64 * 64 * 3)
        XCTAssertEqual(x.count, y.count)
        XCTAssertLessThanOrEqual(zip(x, y).map { abs(Int($0) - Int($1)) }.max() ?? 0, 1, "F16 lamp within one 8-bit level")
        XCTAssertGreaterThan(x.map(Int.init).reduce(0, +), x.count * 5, "not a black (all-zero weights) lamp")
    }

    func testArmhfSaysTheSameErrorForACorruptModel() throws {
        try armhf.checkCorruptModelError(desktop: desktop)
    }

    func testArmhfParserAndDependencies() throws {
        try armhf.checkParserAndDependencies()
    }
}

/// The same Embedded build for x86-64 (`make board ARCH=amd64`, the amd64 Debian package's
/// binary), natively: the desktop's lamp and errors, libc and zlib only, and the board build's
/// memory (firmware-notes/: the footprint measured where it can be, here).
final class BoardAmd64Tests: XCTestCase {
    private let amd64 = EmulatedBoard.amd64
    private var desktop: String { productPath("duralava") }

    func testAmd64RendersTheDesktopLamp() throws {
        try amd64.checkRendersTheDesktopLamp(desktop: desktop, steps: 12)
    }

    func testAmd64ParserDependenciesAndErrors() throws {
        try amd64.checkParserAndDependencies()
        try amd64.checkCorruptModelError(desktop: desktop)
    }

    /// Peak resident memory of `render` (/usr/bin/time's %M, KiB): the int8 lamp within 10 MiB,
    /// the float lamp within 16 MiB.
    func testAmd64RenderFitsItsMemoryBudget() throws {
        _ = try amd64.emulator()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw XCTSkip("no /usr/bin/time (make test-deps installs time)") }
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (model, budget) in [("default-int8.safetensors", 10 * 1024), ("default.safetensors", 16 * 1024)] {
            guard FileManager.default.fileExists(atPath: packageRoot + "/models/" + model) else { continue }
            let r = try runProcess("/usr/bin/time", ["-f", "%M", "-o", dir + "/rss", amd64.binary, "render",
                                                     "--model", packageRoot + "/models/" + model, "--steps", "50", "--out", dir + "/lamp.png"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let kib = Int(try String(contentsOfFile: dir + "/rss", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            XCTAssertGreaterThan(kib, 0)
            XCTAssertLessThanOrEqual(kib, budget, "\(model): peak RSS \(kib) KiB")
        }
    }
}
