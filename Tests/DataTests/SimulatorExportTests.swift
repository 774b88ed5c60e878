import XCTest
import DuralavaData

/// What `duralava-train simulate` writes, read back through the frame-directory loader.
final class SimulatorExportTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("export") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testDestinationFromPath() throws {
        XCTAssertEqual(SimulatorExport.destination(for: "/tmp/lamp.png"), .animatedPNG("/tmp/lamp.png"))
        XCTAssertEqual(SimulatorExport.destination(for: "out/"), .directory("out/"))
        XCTAssertEqual(SimulatorExport.destination(for: "frames"), .directory("frames"))
        // An existing directory that happens to end in .png is still a directory.
        try FileManager.default.createDirectory(atPath: directory + "/odd.png", withIntermediateDirectories: false)
        XCTAssertEqual(SimulatorExport.destination(for: directory + "/odd.png"), .directory(directory + "/odd.png"))
    }

    func testFrameNamesSortAndLookLikeFFmpegOutput() {
        XCTAssertEqual(SimulatorExport.frameFileName(index: 0, total: 10), "frame_000001.png")
        XCTAssertEqual(SimulatorExport.frameFileName(index: 1_234_566, total: 2_000_000), "frame_1234567.png")
        XCTAssertEqual(SimulatorExport.frameFileName(index: 0, total: 2_000_000), "frame_0000001.png")
    }

    func testFrameDelay() {
        XCTAssertTrue(SimulatorExport.frameDelay(fps: 30) == (1, 30))
        XCTAssertTrue(SimulatorExport.frameDelay(fps: 7.5) == (133, 1000))
    }

    func testWrittenFramesReadBackExactly() throws {
        let out = directory + "/nested/frames/"
        try SimulatorExport.write(LavaLampSimulator(seed: 21, width: 40, height: 32), frames: 5, to: .directory(out))
        let data = try FrameDirectoryDataset(directory: out, width: 40, height: 32)
        XCTAssertEqual(data.frameFiles, (0..<5).map { SimulatorExport.frameFileName(index: $0, total: 5) })
        XCTAssertTrue(data.warnings.isEmpty)
        let reference = LavaLampSimulator(seed: 21, width: 40, height: 32)
        var expected = [UInt8]()
        for i in 0..<5 {
            reference.nextFrame(into: &expected)
            XCTAssertEqual(Array(data.frameBytes(at: i)), expected, "frame \(i)")
        }
    }

    func testAnimatedPreview() throws {
        let path = directory + "/lamp.png"
        try SimulatorExport.write(LavaLampSimulator(seed: 4, width: 24, height: 20, fps: 10), frames: 6, to: .animatedPNG(path))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("acTL"))
        XCTAssertEqual(text.components(separatedBy: "fcTL").count - 1, 6)
        // Viewers without APNG support show the first frame, and so does libpng.
        let first = try PNGReader.read(path: path)
        var expected = [UInt8]()
        LavaLampSimulator(seed: 4, width: 24, height: 20, fps: 10).nextFrame(into: &expected)
        XCTAssertEqual(first.pixels, expected)
    }

    func testSpeedMeasurementRendersFrames() {
        let lamp = LavaLampSimulator(seed: 1)
        let result = SimulatorExport.measureFramesPerSecond(lamp, frames: 50)
        XCTAssertEqual(lamp.frameIndex, 50)
        XCTAssertGreaterThan(result.framesPerSecond, 0)
        XCTAssertEqual(result.framesPerSecond * result.seconds, 50, accuracy: 1e-6)
    }

    func testUncreatableOutputDirectoryIsNamed() throws {
        let blocker = directory + "/file"
        try write([1], to: blocker)
        XCTAssertThrowsError(try SimulatorExport.write(LavaLampSimulator(seed: 1, width: 8, height: 8), frames: 1,
                                                       to: .directory(blocker + "/sub/"))) { error in
            XCTAssertTrue("\(error)".contains(blocker), "\(error)")
        }
    }
}
