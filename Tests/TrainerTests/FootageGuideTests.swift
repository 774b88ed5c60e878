import DuralavaData
import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// docs/footage.md, the path a user takes with their own lamp: a video (here the simulator at
/// another size and palette, encoded by ffmpeg) → ffmpeg frames → `duralava-train train` at
/// the footage's aspect → `duralava-convert quantize` → `duralava render`.
final class FootageGuideTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = temporaryDirectory(prefix: "duralava-footage-") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func tool(_ name: String) throws -> String {
        let path = productPath(name)
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("\(name) is not built") }
        return path
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let r = try runProcess(executable, arguments, currentDirectory: dir)
        XCTAssertEqual(r.status, 0, "\(executable) \(arguments.joined(separator: " ")):\n\(r.stderr)", file: file, line: line)
        return r
    }

    /// A tall violet lamp filmed at 15 fps, as an H.264 (or MPEG-4) video.
    func makeVideo(ffmpeg: String) throws {
        let train = try tool("duralava-train")
        try run(train, ["simulate", "--frames", "240", "--size", "60x100", "--palette", "violet", "--fps", "15", "--seed", "5", "--out", "sim/"])
        var video = try runProcess(ffmpeg, ["-v", "error", "-framerate", "15", "-i", "sim/frame_%06d.png", "-c:v", "libx264",
                                            "-pix_fmt", "yuv420p", "lamp.mp4"], currentDirectory: dir)
        if video.status != 0 {  // an ffmpeg built without x264
            video = try runProcess(ffmpeg, ["-v", "error", "-y", "-framerate", "15", "-i", "sim/frame_%06d.png", "-c:v", "mpeg4",
                                            "-q:v", "3", "lamp.mp4"], currentDirectory: dir)
        }
        XCTAssertEqual(video.status, 0, video.stderr)
    }

    func testAVideoBecomesARunningTallLamp() throws {
        guard let ffmpeg = which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed (make test-deps installs it)") }
        try makeVideo(ffmpeg: ffmpeg)
        // The guide's extraction: every frame of the video at a lower rate, 5 frames a second.
        try FileManager.default.createDirectory(atPath: dir + "/footage", withIntermediateDirectories: true)
        let extract = try runProcess(ffmpeg, ["-v", "error", "-i", "lamp.mp4", "-vf", "fps=5", "footage/frame_%06d.png"], currentDirectory: dir)
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let frames = try FileManager.default.contentsOfDirectory(atPath: dir + "/footage").filter { $0.hasSuffix(".png") }
        XCTAssertEqual(frames.count, 80, "16 s of video at 5 frames a second")

        // Train at the footage's aspect into a run folder whose parent does not exist yet.
        let trained = try run(try tool("duralava-train"), ["train", "--data", "footage", "--source-fps", "5", "--frame-step", "1",
                                                            "--preset", "tiny", "--size", "auto", "--out", "runs/violet/tall"])
        XCTAssertTrue(trained.stderr.contains("--size auto: footage is 60x100; training at 16x32"), trained.stderr)
        XCTAssertTrue(trained.stdout.contains("trained: runs/violet/tall/model.safetensors"), trained.stdout)
        let float = try LampModel(path: dir + "/runs/violet/tall/model.safetensors")
        XCTAssertEqual([float.config.frameWidth, float.config.frameHeight], [16, 32])
        XCTAssertEqual(float.metadata["provenance.source_size"], "60x100")
        XCTAssertEqual(float.metadata["provenance.fit"], "crop")
        XCTAssertEqual(float.metadata["provenance.frames_per_second"].flatMap(Double.init), 5)
        XCTAssertEqual(float.metadata["step_seconds"].flatMap(Double.init), 0.2)

        try run(try tool("duralava-convert"), ["quantize", "--model", "runs/violet/tall/model.safetensors", "--out", "lamp-int8.safetensors",
                                                 "--calibration-steps", "400"])
        let info = try run(try tool("duralava"), ["info", "--model", "lamp-int8.safetensors"])
        XCTAssertTrue(info.stdout.contains("kind: int8"), info.stdout)
        XCTAssertTrue(info.stdout.contains("frame: 16x32"), info.stdout)
        try run(try tool("duralava"), ["render", "--model", "lamp-int8.safetensors", "--steps", "30", "--out", "lamp.png"])
        let picture = try PNGReader.read(path: dir + "/lamp.png")
        XCTAssertEqual([picture.width, picture.height], [16, 32])
        XCTAssertTrue(picture.pixels.contains { $0 > 0 }, "a lit lamp, not a black frame")
    }

    func testLetterboxKeepsTheWholeFrameAndSaysSo() throws {
        let train = try tool("duralava-train")
        try run(train, ["simulate", "--frames", "60", "--size", "60x100", "--palette", "ocean", "--out", "tall/"])
        let r = try run(train, ["train", "--data", "tall", "--source-fps", "30", "--frame-step", "1", "--preset", "tiny", "--size", "32x32",
                                "--fit", "letterbox", "--frame-steps", "4", "--dynamics-steps", "2", "--out", "boxed"])
        XCTAssertTrue(r.stderr.contains("frames of 60x100 resized whole to 19x32 inside 32x32 with black bars left and right"), r.stderr)
        let cropped = try run(train, ["train", "--data", "tall", "--source-fps", "30", "--frame-step", "1", "--preset", "tiny",
                                      "--size", "32x32", "--frame-steps", "4", "--dynamics-steps", "2", "--out", "cropped"])
        XCTAssertTrue(cropped.stderr.contains("centre-cropped to 60x60 (cutting 40 px of height (top and bottom))"), cropped.stderr)
        XCTAssertTrue(cropped.stderr.contains("--fit letterbox"), cropped.stderr)
        let bad = try runProcess(train, ["train", "--data", "tall", "--size", "64x90", "--out", "x"], currentDirectory: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("multiple of 16"), bad.stderr)
        let badFit = try runProcess(train, ["train", "--data", "tall", "--fit", "stretch", "--out", "x"], currentDirectory: dir)
        XCTAssertTrue(badFit.stderr.contains("--fit must be crop or letterbox"), badFit.stderr)
    }
}
