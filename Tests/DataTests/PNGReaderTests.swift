import XCTest
import DuralavaData

/// Every PNG flavour the loader promises (grey, palette, RGB, RGBA; 1, 8 and 16 bits)
/// decodes to the same 8-bit RGB, and every broken file fails with a message naming it.
final class PNGReaderTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("png") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func decode(_ bytes: [UInt8], _ name: String = "image.png") throws -> RGBImage {
        let path = directory + "/" + name
        try write(bytes, to: path)
        return try PNGReader.read(path: path)
    }

    func testRGB8ReadsExactPixels() throws {
        let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]
        let image = try decode(TestPNG.rgb8(width: 3, height: 2, pixels: pixels))
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixels, pixels)
    }

    func testGrey8BecomesEqualChannels() throws {
        let image = try decode(TestPNG.encode(width: 2, height: 1, colour: .grey, bitDepth: 8, scanlines: [[7, 200]]))
        XCTAssertEqual(image.pixels, [7, 7, 7, 200, 200, 200])
    }

    func testGrey1BitUnpacksPixels() throws {
        // 0b1010_0000: white, black, white, black.
        let image = try decode(TestPNG.encode(width: 4, height: 1, colour: .grey, bitDepth: 1, scanlines: [[0b1010_0000]]))
        XCTAssertEqual(image.pixels, [255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0])
    }

    func testGrey16IsTakenAsSRGBAndReducedTo8Bits() throws {
        // 0x8080 is 128.5/255 of full scale in any encoding: sRGB-assumed gives 128.
        let image = try decode(TestPNG.encode(width: 2, height: 1, colour: .grey, bitDepth: 16,
                                              scanlines: [[0x80, 0x80, 0xFF, 0xFF]]))
        XCTAssertEqual(Int(image.pixels[0]), 128, accuracy: 1)
        XCTAssertEqual(image.pixels[3], 255)
    }

    func testRGB16() throws {
        let line: [UInt8] = [0xFF, 0xFF, 0x00, 0x00, 0x40, 0x40]
        let image = try decode(TestPNG.encode(width: 1, height: 1, colour: .rgb, bitDepth: 16, scanlines: [line]))
        XCTAssertEqual(image.pixels[0], 255)
        XCTAssertEqual(image.pixels[1], 0)
        XCTAssertEqual(Int(image.pixels[2]), 64, accuracy: 1)
    }

    func testPaletteImage() throws {
        let palette: [UInt8] = [0, 0, 0, 250, 100, 20, 10, 200, 90]
        let image = try decode(TestPNG.encode(width: 3, height: 1, colour: .palette, bitDepth: 8,
                                              scanlines: [[1, 2, 0]], palette: palette))
        XCTAssertEqual(image.pixels, [250, 100, 20, 10, 200, 90, 0, 0, 0])
    }

    func testPalette4BitWithTransparencyCompositesOnBlack() throws {
        let palette: [UInt8] = [255, 255, 255, 200, 40, 40]
        // Entry 0 fully transparent, entry 1 opaque. Pixels: 1, 0.
        let image = try decode(TestPNG.encode(width: 2, height: 1, colour: .palette, bitDepth: 4,
                                              scanlines: [[0x10]], palette: palette, transparency: [0, 255]))
        XCTAssertEqual(image.pixels, [200, 40, 40, 0, 0, 0])
    }

    func testRGBACompositesOntoBlack() throws {
        let line: [UInt8] = [200, 100, 50, 255, 200, 100, 50, 0, 255, 255, 255, 128]
        let image = try decode(TestPNG.encode(width: 3, height: 1, colour: .rgba, bitDepth: 8, scanlines: [line]))
        XCTAssertEqual(Array(image.pixels[0..<3]), [200, 100, 50])
        XCTAssertEqual(Array(image.pixels[3..<6]), [0, 0, 0])
        // Half-transparent white over black is mid grey (composited in linear light, so
        // brighter than 128 once re-encoded as sRGB).
        XCTAssertGreaterThan(image.pixels[6], 100)
        XCTAssertLessThan(image.pixels[6], 220)
    }

    func testGreyAlpha() throws {
        let image = try decode(TestPNG.encode(width: 2, height: 1, colour: .greyAlpha, bitDepth: 8,
                                              scanlines: [[90, 255, 90, 0]]))
        XCTAssertEqual(image.pixels, [90, 90, 90, 0, 0, 0])
    }

    func testTextFileIsNotAPNG() throws {
        XCTAssertThrowsError(try decode(Array("hello, not an image\n".utf8), "notes.png")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("notes.png"), text)
            XCTAssertTrue(text.contains("not a PNG"), text)
        }
    }

    func testEmptyFileFails() throws {
        XCTAssertThrowsError(try decode([], "empty.png")) { error in
            XCTAssertTrue("\(error)".contains("empty.png"))
        }
    }

    func testTruncatedFileFails() throws {
        let full = TestPNG.solid(width: 16, height: 16, r: 1, g: 2, b: 3)
        XCTAssertThrowsError(try decode(Array(full.prefix(full.count - 40)), "cut.png")) { error in
            XCTAssertTrue("\(error)".contains("cut.png"))
        }
    }

    func testCorruptChecksumFails() throws {
        var bytes = TestPNG.solid(width: 4, height: 4, r: 1, g: 2, b: 3)
        bytes[29] ^= 0xFF  // inside the IHDR chunk's CRC
        XCTAssertThrowsError(try decode(bytes, "crc.png")) { error in
            XCTAssertTrue("\(error)".contains("crc.png"))
        }
    }

    func testMissingFileFails() {
        XCTAssertThrowsError(try PNGReader.read(path: directory + "/absent.png")) { error in
            XCTAssertTrue("\(error)".contains("absent.png"))
        }
    }
}
