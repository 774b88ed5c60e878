import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// The reliability issue, items 2, 4 and 6 (docs/reliability.md#outputs): an output that is
/// one of the command's inputs is refused before any work, a trained model is replaced only
/// with --force, an empty path is a one-line error in every CLI, and temporaries are removed
/// on a signal or swept once their writer is gone.
final class OutputPreflightTests: XCTestCase {
    let duralava = productPath("duralava"), convert = productPath("duralava-convert")
    let train = productPath("duralava-train"), board = productPath("duralava-board")
    let experiments = productPath("duralava-experiments")
    var dir = ""
    var trained: String { dir + "/trained.safetensors" }
    var untrained: String { dir + "/untrained.safetensors" }

    override func setUpWithError() throws {
        for tool in [duralava, convert, train, board] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not built")
        }
        dir = temporaryDirectory(prefix: "duralava-preflight-")
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", untrained, "--seed", "3"]).status, 0)
        // A "trained" model: the untrained one with its trained flag cleared by a rewrite of the
        // header would need a writer here; the shipped model is trained and small enough.
        try FileManager.default.copyItem(atPath: packageRoot + "/models/default.safetensors", toPath: trained)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Every way of naming an input as the output is refused, exit 1, the input untouched.
    func testOutputThatIsAnInputIsRefusedBeforeAnyWork() throws {
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.safetensors", withDestinationPath: "trained.safetensors")
        let before = bytes(trained)
        let cases: [(String, [String])] = [
            (convert, ["quantize", "--model", trained, "--out", trained, "--calibration-steps", "100"]),
            (convert, ["quantize", "--model", trained, "--out", dir + "/link.safetensors", "--calibration-steps", "100"]),
            (convert, ["quantize", "--model", trained, "--out", dir + "/./../" + (dir as NSString).lastPathComponent + "/trained.safetensors",
                       "--calibration-steps", "100"]),
            (duralava, ["compare", "--float", trained, "--int8", untrained, "--steps", "2", "--out", untrained, "--force"]),
            (duralava, ["render", "--model", trained, "--steps", "2", "--out", dir + "/link.safetensors", "--force"]),
            (board, ["render", "--model", trained, "--steps", "2", "--out", trained]),
        ]
        for (tool, args) in cases {
            let r = try runProcess(tool, args, currentDirectory: dir)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertEqual(r.errorLines.count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("input") && r.stderr.contains("itself"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("calibrating"), "refused before calibration: \(r.stderr)")
        }
        XCTAssertEqual(bytes(trained), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       ["link.safetensors", "trained.safetensors", "untrained.safetensors"])
    }

    /// init-random (and every other writer) replaces a trained model only with --force; an
    /// untrained one is replaced as before.
    func testTrainedModelIsReplacedOnlyWithForce() throws {
        let before = bytes(trained)
        let r = try runProcess(duralava, ["init-random", "--out", trained])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("holds a trained model; pass --force"), r.stderr)
        XCTAssertEqual(bytes(trained), before)
        let render = try runProcess(duralava, ["render", "--model", untrained, "--steps", "2", "--out", trained])
        XCTAssertEqual(render.status, 1, render.stderr)
        XCTAssertEqual(bytes(trained), before)
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", untrained, "--seed", "4"]).status, 0)
        let forced = try runProcess(duralava, ["init-random", "--out", trained, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(bytes(trained), before)
    }

    /// An empty path is a one-line error in every path option of every CLI; it used to mean
    /// the filesystem root (or ": rename failed").
    func testEmptyPathIsAnErrorEverywhere() throws {
        let m = untrained
        let cases: [(String, [String])] = [
            (duralava, ["run", "--model", ""]), (duralava, ["run", "--model", m, "--screenshots", ""]),
            (duralava, ["render", "--model", m, "--out", ""]), (duralava, ["render", "--model", ""]),
            (duralava, ["compare", "--float", m, "--int8", m, "--steps", "2", "--out", ""]),
            (duralava, ["compare", "--float", "", "--int8", m]),
            (duralava, ["info", "--model", ""]), (duralava, ["bench", "--model", m, "--dump", ""]),
            (duralava, ["init-random", "--out", ""]),
            (train, ["train", "--preset", "tiny", "--out", ""]), (train, ["train", "--preset", "tiny", "--data", "", "--out", dir + "/r"]),
            (train, ["simulate", "--frames", "2", "--out", ""]),
            (train, ["eval", "--model", m, "--out", ""]), (train, ["eval", "--model", "", "--out", dir + "/e"]),
            (train, ["two-sample", "--model-a", "", "--model-b", m]), (experiments, ["probe-projection", "--out", ""]),
            (convert, ["quantize", "--model", m, "--out", ""]), (convert, ["quantize", "--model", "", "--out", dir + "/q"]),
            (convert, ["compare", "--float", m, "--int8", m, "--out", ""]), (convert, ["inspect", "--model", ""]),
            (board, ["render", "--model", m, "--out", ""]), (board, ["run", "--model", ""]),
        ]
        for (tool, args) in cases {
            let r = try runProcess(tool, args, currentDirectory: dir)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains("an empty path"), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").first { $0.contains("empty path") }.map { _ in 1 }, 1)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["trained.safetensors", "untrained.safetensors"])
    }

    /// A render (or a simulator preview) stopped by SIGTERM removes its temporary (it used to
    /// stay until the next render) and dies of the signal, as shells expect.
    func testRenderStoppedByASignalLeavesNoTemporary() throws {
        for (tool, args) in [(duralava, ["render", "--model", untrained, "--steps", "100000", "--out", "lamp.png"]),
                             (train, ["simulate", "--frames", "100000", "--size", "128x128", "--warm-up", "0", "--out", "lamp.png"])] {
            let r = try runProcess(tool, args, currentDirectory: dir) { p in
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline, !((try? FileManager.default.contentsOfDirectory(atPath: self.dir)) ?? []).contains(where: { $0.hasSuffix(".partial") }) {
                    usleep(20_000)
                }
                usleep(200_000)
                kill(p.processIdentifier, SIGTERM)
            }
            XCTAssertEqual(r.reason, .uncaughtSignal, "\(args)")
            XCTAssertEqual(r.status, SIGTERM, "\(args)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["trained.safetensors", "untrained.safetensors"], "\(args)")
        }
    }

    /// The pid of a process that has exited.
    func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    /// A temporary a killed quantize left (kill -9 between write and rename) is swept by the
    /// next one; another program's `.partial` and a live writer's temporary are not touched.
    func testStaleTemporaryOfADeadWriterIsSweptOthersAreKept() throws {
        let dead = try deadPID()
        let stale = "q.safetensors.duralava-\(dead).partial", live = "q.safetensors.duralava-1.partial"
        for name in [stale, live, "q.safetensors.partial", "film.mkv.partial", "q.safetensors.tmp-\(dead)"] {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x".utf8))
        }
        let r = try runProcess(convert, ["quantize", "--model", untrained, "--out", dir + "/q.safetensors", "--calibration-steps", "100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("removed \(dir)/\(stale)"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       ["film.mkv.partial", "q.safetensors", live, "q.safetensors.partial", "q.safetensors.tmp-\(dead)",
                        "trained.safetensors", "untrained.safetensors"].sorted())
    }

    /// quantize says it cannot write --out before calibrating (up to 10^7 steps), not after.
    func testQuantizeChecksItsOutputBeforeCalibrating() throws {
        let started = Date()
        let r = try runProcess(convert, ["quantize", "--model", untrained, "--out", dir + "/missing/q.safetensors",
                                         "--calibration-steps", "10000000"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("does not exist"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
