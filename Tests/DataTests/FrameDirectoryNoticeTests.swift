import DuralavaData
import XCTest

/// Frames of another size and names that are not UTF-8 are reported with
/// counts, not resized or skipped without a word (docs/reliability.md#frame-directories).
final class FrameDirectoryNoticeTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("notice") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testFramesOfAnotherSizeAreCountedInAWarning() throws {
        for i in 1...5 { try write(TestPNG.solid(width: 8, height: 8, r: UInt8(i), g: 0, b: 0), to: directory + "/f\(i).png") }
        for i in 6...7 { try write(TestPNG.solid(width: 32, height: 16, r: UInt8(i), g: 0, b: 0), to: directory + "/f\(i).png") }
        let run = try makeTemporaryDirectory("notice-run")
        defer { try? FileManager.default.removeItem(atPath: run) }
        for useCache in [true, true] { // the second load comes from the cache and says the same
            let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: useCache ? run : nil)
            XCTAssertEqual(data.count, 7, "every frame is still used")
            XCTAssertEqual(data.warnings.count, 1, "\(data.warnings)")
            let text = data.warnings.first?.description ?? ""
            XCTAssertTrue(text.contains("7 frames: not all one size (5 of 8x8, 2 of 32x16)"), text)
            XCTAssertFalse(text.hasPrefix("skipped"), text)
        }
    }

    func testSameSizeFramesGiveNoWarning() throws {
        for i in 1...3 { try write(TestPNG.solid(width: 8, height: 8, r: UInt8(i), g: 0, b: 0), to: directory + "/f\(i).png") }
        XCTAssertEqual(try FrameDirectoryDataset(directory: directory, width: 4, height: 4).warnings, [])
    }

    func testNamesThatAreNotUTF8AreCounted() throws {
        try write(TestPNG.solid(width: 8, height: 8, r: 1, g: 0, b: 0), to: directory + "/a.png")
        let png = TestPNG.solid(width: 8, height: 8, r: 2, g: 0, b: 0)
        for raw: [UInt8] in [[0x62, 0xFF, 0x2E, 0x70, 0x6E, 0x67], [0x63, 0xC3, 0x28, 0x2E, 0x70, 0x6E, 0x67]] { // "b\xFF.png", "c\xC3(.png"
            let path = Array(directory.utf8) + [0x2F] + raw + [0]
            let fd = path.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
            }
            XCTAssertGreaterThanOrEqual(fd, 0)
            _ = png.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4)
        XCTAssertEqual(data.frameFiles, ["a.png"])
        XCTAssertEqual(data.warnings.map(\.description), ["skipped 2 files: names that are not valid UTF-8 (rename them to use them)"])
    }
}

/// Found while writing the PNG fuzzer: the RGB buffer is allocated from the header, so a
/// 100-byte file claiming 30000 x 30000 cost 2.7 GB before libpng found no rows.
final class PNGSizeLimitTests: XCTestCase {
    func testHugeHeaderIsRefusedBeforeAllocating() throws {
        let dir = try makeTemporaryDirectory("png-limit")
        let path = dir + "/huge.png"
        try write(TestPNG.encode(width: 30_000, height: 30_000, colour: .rgb, bitDepth: 8, scanlines: [[0, 0, 0]]), to: path)
        XCTAssertThrowsError(try PNGReader.read(path: path)) {
            XCTAssertTrue("\($0)".contains("unsupported image size 30000x30000"), "\($0)")
        }
        XCTAssertEqual(PNGReader.maximumPixels, 8192 * 8192)
    }
}
