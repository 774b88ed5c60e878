import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// The `duralava` executable end to end (built by `make test` before the tests run).
final class CommandLineTests: XCTestCase {
    var duralava: String { productPath("duralava") }
    var dir = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: duralava) else {
            throw XCTSkip("duralava is not built; `make test` builds it first")
        }
        dir = temporaryDirectory()
        let r = try runProcess(duralava, ["init-random", "--out", dir + "/m.safetensors", "--seed", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// `duralava selftest` (docs/runtime.md): the optimized kernels agree with the reference ones at
    /// the detected level and at the portable one, with the board build's lines.
    func testSelftestChecksTheKernelsAtTheLevelInUse() throws {
        for simd in [nil, "portable"] {
            let r = try runProcess(duralava, ["selftest"], environment: simd.map { ["DURALAVA_SIMD": $0] })
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("kernels (\(simd ?? "")") && r.stdout.contains(": 27 of 27 checks agree with the reference kernels"),
                          r.stdout + r.stderr)
        }
    }

    func testRender120StepsDecodesInFFmpegWithEveryFrame() throws {
        let out = dir + "/x.png"
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "120", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("x.png"), "says where the file is")
        guard let ffprobe = which("ffprobe") else { throw XCTSkip("ffprobe is not installed") }
        let p = try runProcess(ffprobe, ["-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames",
                                         "-of", "default=nw=1", out])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stdout.contains("codec_name=apng"), p.stdout)
        XCTAssertTrue(p.stdout.contains("nb_read_frames=120"), p.stdout)
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() throws {
        func render(_ seed: String, _ name: String) throws -> Data {
            let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "6", "--between", "2",
                                              "--seed", seed, "--out", dir + "/" + name])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        XCTAssertEqual(try render("5", "a.png"), try render("5", "b.png"))
        XCTAssertNotEqual(try render("5", "a.png"), try render("6", "c.png"))
    }

    func testDirectoryOutputAndBetweenFrames() throws {
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "3", "--between", "2",
                                          "--blend", "pixel", "--out", dir + "/frames/"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/frames").sorted()
        XCTAssertEqual(files, (0..<9).map { String(format: "frame-%06d.png", $0) })
    }

    func testAPNGDelayFollowsRate() throws {
        let out = dir + "/r.png"
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "2", "--between", "3",
                                          "--rate", "5", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let b = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
        // First fcTL: delay at bytes 20..<24 of its data = 1/20 s (5 steps/s × 4 frames per step).
        let fctl = b.indices.first { b[$0] == 0x66 && b[$0 + 1] == 0x63 && b[$0 + 2] == 0x54 && b[$0 + 3] == 0x4C }!
        XCTAssertEqual(Array(b[(fctl + 24)..<(fctl + 28)]), [0, 1, 0, 20])
    }

    func testCorruptModelIsOneLineErrorNotASignal() throws {
        let bad = dir + "/bad.safetensors"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/m.safetensors")))
        bytes.removeLast(1000)
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        try Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1]).write(to: URL(fileURLWithPath: dir + "/garbage.safetensors"))
        for (file, needle) in [(bad, "past the end"), (dir + "/garbage.safetensors", "header length"),
                               (dir + "/missing.safetensors", "no such model file")] {
            let r = try runProcess(duralava, ["render", "--model", file, "--steps", "2", "--out", dir + "/y.png"])
            XCTAssertEqual(r.reason, .exit, "exits, not killed by a signal")
            XCTAssertEqual(r.status, 1)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(file) && r.stderr.contains(needle), r.stderr)
        }
    }

    func testModelLookupFromEnvironment() throws {
        let r = try runProcess(duralava, ["info"], environment: ["DURALAVA_MODEL": dir + "/m.safetensors"], currentDirectory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("m.safetensors") && r.stdout.contains("trained: no"), r.stdout)
        let missing = try runProcess(duralava, ["info"], environment: ["DURALAVA_MODEL": dir + "/nope.safetensors"], currentDirectory: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("DURALAVA_MODEL"), missing.stderr)
    }
}

/// What a failed or careless render leaves behind (docs/reliability.md#outputs).
final class RenderOutputTests: XCTestCase {
    var duralava: String { productPath("duralava") }
    var dir = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: duralava) else { throw XCTSkip("duralava is not built") }
        dir = temporaryDirectory()
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", dir + "/m.safetensors", "--seed", "3"]).status, 0)
    }

    /// A write error mid-render (a file-size limit stands in for a full disk) is a one-line
    /// error, exit 1, and leaves no lamp.png.partial: exit() used to skip the cleanup.
    func testFailedRenderLeavesNoPartialFile() throws {
        let r = try runProcess("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f 20; exec \"$0\" render --model m.safetensors --steps 200 --out lamp.png",
                                           duralava], currentDirectory: dir)
        XCTAssertEqual(r.reason, .exit)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("lamp.png: write failed"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["m.safetensors"])
    }

    func testRenderToDeviceAndFIFOKeepsThem() throws {
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "3", "--out", "/dev/full"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/dev/full: write failed (No space left on device)"), r.stderr)
        var st = stat()
        XCTAssertEqual(lstat("/dev/full", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        let d = try runProcess(duralava, ["init-random", "--out", dir, "--seed", "1"])
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.stderr.contains("is a directory"), d.stderr)
    }

    func testDiscardWritesNothing() throws {
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "5", "--discard", "--out", dir + "/x.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("5 frames generated"), r.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["m.safetensors"])
    }
}

/// The numeric options of `duralava` are checked at parse time (docs/reliability.md#options).
final class RuntimeOptionTests: XCTestCase {
    func testNumericOptionsNameTheirRange() throws {
        let duralava = productPath("duralava")
        guard FileManager.default.isExecutableFile(atPath: duralava) else { throw XCTSkip("duralava is not built") }
        let cases: [([String], String)] = [
            (["render", "--rate", "0"], "rate"), (["render", "--rate", "nan"], "rate"), (["render", "--steps", "0"], "steps"),
            (["render", "--between=-1"], "between"), (["render", "--scale", "64"], "scale"),
            (["run", "--fps", "1e30"], "fps"), (["run", "--duration", "inf"], "duration"), (["run", "--rate=-1"], "rate"),
            (["render", "--steps", "10000000", "--between", "100"], "steps"),
        ]
        for (arguments, option) in cases {
            let r = try runProcess(duralava, arguments)
            XCTAssertEqual(r.reason, .exit)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertTrue(first.hasPrefix("Error: --\(option) "), "\(arguments): \(first)")
            XCTAssertTrue(first.contains("outside") || first.contains("above"), "\(arguments): \(first)")
        }
    }

    /// `--hue -360` is a negative number, not a missing value (the reliability issue, item 8).
    func testNegativeHueIsANumber() throws {
        let duralava = productPath("duralava")
        guard FileManager.default.isExecutableFile(atPath: duralava) else { throw XCTSkip("duralava is not built") }
        let r = try runProcess(duralava, ["run", "--hue", "-360", "--fps", "0"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("Error: --fps 0"), "--hue was read; the next error is --fps's: \(r.stderr)")
    }

    /// The board's hand-written parser (its desktop build, duralava-board): render refuses the
    /// options only run reads, and every command checks the display options, as the desktop
    /// build does (they were silently ignored by render).
    func testBoardRenderRefusesRunOptionsAndBadValues() throws {
        let board = productPath("duralava-board")
        guard FileManager.default.isExecutableFile(atPath: board) else { throw XCTSkip("duralava-board is not built") }
        let cases: [([String], String)] = [
            (["render", "--palette", "nope"], "--palette is an option of run, not render"),
            (["render", "--night", "25:00"], "--night is an option of run, not render"),
            (["run", "--palette", "nope"], "--palette nope"), (["run", "--night", "25:00-07:00"], "--night 25:00-07:00"),
            (["run", "--night", "-1:00-02:00"], "--night -1:00-02:00: expected HH:MM-HH:MM"),
            (["run", "--steps", "3"], "--steps is an option of render, not run"),
        ]
        for (arguments, message) in cases {
            let r = try runProcess(board, arguments)
            XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.errorLines.count, 1, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
    }
}
