import Foundation
import TestSupport
import XCTest

/// A board binary that `make board` built (ARCH=arm64: out/board, ARCH=armhf: out/board-armhf),
/// run under qemu user-mode emulation with Debian's cross libc and the zlib the build fetched;
/// ARCH=amd64 (out/board-amd64, the same Embedded build for x86-64) runs natively.
struct EmulatedBoard {
    let arch: String
    let binary: String
    let qemuName: String
    let libc: String
    let libDirectory: String
    /// The dynamic dependencies its build must have (readelf -d, NEEDED), nothing else.
    let needed: Set<String>

    static let arm64 = EmulatedBoard(arch: "arm64", binary: packageRoot + "/out/board/duralava", qemuName: "qemu-aarch64-static",
                                     libc: "/usr/aarch64-linux-gnu",
                                     libDirectory: packageRoot + "/out/board/sysroot/lib/aarch64-linux-gnu",
                                     needed: ["libz.so.1", "libm.so.6", "libc.so.6", "ld-linux-aarch64.so.1"])
    /// libgcc_s: the 32-bit Arm EABI's helpers (libc6:armhf depends on libgcc-s1 itself).
    static let armhf = EmulatedBoard(arch: "armhf", binary: packageRoot + "/out/board-armhf/duralava", qemuName: "qemu-arm-static",
                                     libc: "/usr/arm-linux-gnueabihf",
                                     libDirectory: packageRoot + "/out/board-armhf/sysroot/lib/arm-linux-gnueabihf",
                                     needed: ["libz.so.1", "libm.so.6", "libc.so.6", "libgcc_s.so.1", "ld-linux-armhf.so.3"])

    static let amd64 = EmulatedBoard(arch: "amd64", binary: packageRoot + "/out/board-amd64/duralava", qemuName: "",
                                     libc: "/", libDirectory: "", needed: ["libz.so.1", "libm.so.6", "libc.so.6"])

    /// The emulator ("" for the native amd64 build), or a skip saying what builds or installs
    /// what is missing.
    func emulator() throws -> String {
        guard FileManager.default.fileExists(atPath: binary) else {
            throw XCTSkip("no \(binary): `make board ARCH=\(arch)` builds it (make test does)")
        }
        if qemuName.isEmpty { return "" }
        guard let qemu = which(qemuName) else { throw XCTSkip("qemu-user-static is not installed (make board-deps)") }
        return qemu
    }

    /// Runs `executable` (the board binary by default) under qemu. `cpu`: the emulated core
    /// (qemu's default is `max`; on aarch64 it has the Armv8.2 dot product); `simd`: DURALAVA_SIMD.
    func run(_ arguments: [String], executable: String? = nil, in directory: String? = nil, cpu: String? = nil,
             simd: String? = nil) throws -> ProcessResult {
        let qemu = try emulator()
        if qemu.isEmpty {
            return try runProcess(executable ?? binary, arguments, environment: simd.map { ["DURALAVA_SIMD": $0] },
                                  currentDirectory: directory)
        }
        return try runProcess(qemu, (cpu.map { ["-cpu", $0] } ?? []) + ["-L", libc, "-E", "LD_LIBRARY_PATH=" + libDirectory]
                                    + (simd.map { ["-E", "DURALAVA_SIMD=" + $0] } ?? []) + [executable ?? binary] + arguments,
                              currentDirectory: directory)
    }

    /// The shipped lamps rendered here and by the desktop build: the int8 lamp byte for byte,
    /// the float lamp within one 8-bit level (`steps` model steps, one frame between).
    func checkRendersTheDesktopLamp(desktop: String, steps: Int = 24, cpu: String? = nil,
                                    models: [String] = ["default-int8.safetensors", "default.safetensors"],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try emulator()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var compared = 0
        for model in models {
            guard FileManager.default.fileExists(atPath: packageRoot + "/models/" + model) else { continue }
            let args = ["render", "--model", packageRoot + "/models/" + model, "--steps", "\(steps)", "--between", "1", "--seed", "3"]
            let b = try run(args + ["--out", dir + "/board.png"], cpu: cpu)
            XCTAssertEqual(b.status, 0, "\(arch) \(model): " + b.stderr, file: file, line: line)
            let d = try runProcess(desktop, args + ["--out", dir + "/desktop.png"])
            XCTAssertEqual(d.status, 0, d.stderr, file: file, line: line)
            if model.contains("int8") {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/board.png")),
                               try Data(contentsOf: URL(fileURLWithPath: dir + "/desktop.png")),
                               "\(arch): int8 frames byte for byte", file: file, line: line)
            } else {
                let a = try Self.rgbFrames(dir + "/board.png"), b = try Self.rgbFrames(dir + "/desktop.png")
                XCTAssertEqual(a.count, b.count, file: file, line: line)
                XCTAssertEqual(a.count, 2 * steps * 64 * 64 * 3, file: file, line: line)
                let worst = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1, "\(arch): float frames within one 8-bit level", file: file, line: line)
            }
            compared += 1
        }
        if compared == 0 { throw XCTSkip("no shipped model in models/") }
    }

    /// A corrupt model: exit 1 and the desktop's one-line error, word for word.
    func checkCorruptModelError(desktop: String, file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try emulator()
        let bad = NSTemporaryDirectory() + "/board-bad-\(arch)-\(getpid()).safetensors"
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let b = try run(["render", "--model", bad, "--out", bad + ".png"])
        let d = try runProcess(desktop, ["render", "--model", bad, "--out", bad + ".png"])
        XCTAssertEqual(b.status, 1, file: file, line: line)
        XCTAssertEqual(d.status, 1, file: file, line: line)
        XCTAssertEqual(b.stderr, d.stderr, file: file, line: line)
        XCTAssertTrue(b.stderr.hasPrefix("duralava: error: " + bad + ": "), b.stderr, file: file, line: line)
        XCTAssertEqual(b.stderr.filter { $0 == "\n" }.count, 1, b.stderr, file: file, line: line)
    }

    /// `--help`, a parser error, and the dynamic dependencies (readelf -d).
    func checkParserAndDependencies(file: StaticString = #filePath, line: UInt = #line) throws {
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0, file: file, line: line)
        XCTAssertTrue(help.stdout.contains("usage: duralava [run|render]"), help.stdout, file: file, line: line)
        let wrong = try run(["render", "--steps", "many"])
        XCTAssertEqual(wrong.status, 1, file: file, line: line)
        XCTAssertEqual(wrong.stderr, "duralava: error: --steps many: expected an integer in 1...10000000 (see --help)\n",
                       file: file, line: line)
        // Too many frames for an APNG: a one-line error before any work (it trapped in the frame
        // count: UInt32, and on armhf the 32-bit Int product), not a crash leaving a temporary.
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let many = try run(["render", "--steps", "10000000", "--between", "1000", "--out", dir + "/lamp.png"])
        XCTAssertEqual(many.status, 1, many.stderr)
        XCTAssertEqual(many.stderr, "duralava: error: --steps 10000000 × (--between 1000 + 1) = 10010000000 frames, above 10^8: "
                       + "an APNG counts its frames in 32 bits and this would be terabytes (see --help)\n", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], file: file, line: line)
        guard let readelf = which("readelf") else { throw XCTSkip("no readelf") }
        let dynamic = try runProcess(readelf, ["-d", binary])
        let found = dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            .compactMap { $0.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
        XCTAssertEqual(Set(found), needed, "\(found)", file: file, line: line)
    }

    static func rgbFrames(_ apng: String) throws -> [UInt8] {
        guard let ffmpeg = which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed (make test-deps)") }
        let raw = NSTemporaryDirectory() + "/board-\(getpid())-\(UUID().uuidString).rgb"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let r = try runProcess(ffmpeg, ["-v", "error", "-y", "-i", apng, "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        XCTAssertEqual(r.status, 0, r.stderr)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }
}
