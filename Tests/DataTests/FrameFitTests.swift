import DuralavaData
import Foundation
import XCTest

/// Fitting footage of another aspect: letterbox bars, what each fit says it did, the size
/// `--size auto` picks, and a frame directory fitted either way.
final class FrameFitTests: XCTestCase {
    func white(_ w: Int, _ h: Int) -> RGBImage { RGBImage(width: w, height: h, pixels: [UInt8](repeating: 255, count: w * h * 3)) }

    func testLetterboxOfAWideFramePutsBarsAboveAndBelow() {
        let out = FrameResampler.fit(white(8, 4), width: 4, height: 4, fit: .letterbox)
        // The whole 2:1 picture becomes 4x2 in rows 1 and 2; rows 0 and 3 are black.
        for y in 0..<4 {
            let row = Array(out[(y * 12)..<((y + 1) * 12)])
            XCTAssertEqual(row, [UInt8](repeating: (1...2).contains(y) ? 255 : 0, count: 12), "row \(y)")
        }
    }

    func testLetterboxOfATallFramePutsBarsLeftAndRight() {
        let out = FrameResampler.fit(white(3, 9), width: 9, height: 6, fit: .letterbox)  // content 2x6 centred at x 3...4
        for y in 0..<6 {
            for x in 0..<9 { XCTAssertEqual(out[(y * 9 + x) * 3], (3...4).contains(x) ? 255 : 0, "x \(x) y \(y)") }
        }
        // A crop of the same frame keeps no black at all.
        XCTAssertFalse(FrameResampler.fit(white(3, 9), width: 9, height: 6, fit: .crop).contains(0))
    }

    func testSameAspectLetterboxEqualsCrop() {
        let pixels = (0..<(12 * 8 * 3)).map { UInt8($0 * 7 % 256) }
        let image = RGBImage(width: 12, height: 8, pixels: pixels)
        XCTAssertEqual(FrameResampler.fit(image, width: 6, height: 4, fit: .letterbox), FrameResampler.fit(image, width: 6, height: 4))
    }

    func testEachFitSaysWhatItDid() {
        XCTAssertEqual(FrameFit.crop.describe(sourceWidth: 96, sourceHeight: 120, width: 64, height: 64),
                       "frames of 96x120 centre-cropped to 96x96 (cutting 24 px of height (top and bottom)) and resized to 64x64")
        XCTAssertEqual(FrameFit.letterbox.describe(sourceWidth: 96, sourceHeight: 120, width: 64, height: 64),
                       "frames of 96x120 resized whole to 51x64 inside 64x64 with black bars left and right")
        XCTAssertEqual(FrameFit.crop.describe(sourceWidth: 128, sourceHeight: 160, width: 64, height: 80),
                       "frames of 128x160 resized to 64x80 (same aspect: nothing cut, no bars)")
    }

    func testAutoSizeKeepsTheFootagesAspect() {
        func auto(_ w: Int, _ h: Int) -> String {
            let s = FrameFit.sizeForAspect(sourceWidth: w, sourceHeight: h, area: 4096, multiple: 16, maxSide: 128)
            return "\(s.width)x\(s.height)"
        }
        XCTAssertEqual(auto(96, 120), "64x80")     // the tall lamp
        XCTAssertEqual(auto(640, 640), "64x64")
        XCTAssertEqual(auto(1080, 1920), "48x80")  // a phone held upright
        XCTAssertEqual(auto(1920, 1080), "80x48")
        XCTAssertEqual(auto(100, 10_000), "16x128") // beyond what fits: the tallest allowed
    }

    func testDirectoryLetterboxHasItsOwnCacheAndSaysTheMajoritySize() throws {
        let dir = try makeTemporaryDirectory("fit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "-run", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir + "-run") }
        for i in 0..<3 { try write(TestPNG.solid(width: 4, height: 8, r: 200, g: 200, b: 200), to: dir + "/f\(i).png") }
        try write(TestPNG.solid(width: 8, height: 8, r: 200, g: 200, b: 200), to: dir + "/odd.png")
        XCTAssertEqual(try FrameDirectoryDataset.footageSize(dir).map { "\($0.width)x\($0.height)" }, "4x8")
        let boxed = try FrameDirectoryDataset(directory: dir, width: 4, height: 4, fit: .letterbox, cacheDirectory: dir + "-run")
        let cropped = try FrameDirectoryDataset(directory: dir, width: 4, height: 4, fit: .crop, cacheDirectory: dir + "-run")
        XCTAssertNotEqual(boxed.cachePath, cropped.cachePath)
        XCTAssertEqual(boxed.cachePath?.hasSuffix("-letterbox.bin"), true)
        // f0 is 4x8: letterboxed to 2x4 in columns 1...2, black at 0 and 3; cropped: no black.
        let b = Array(boxed.frameBytes(at: 0)), c = Array(cropped.frameBytes(at: 0))
        XCTAssertEqual(b[0], 0); XCTAssertEqual(b[3], 200); XCTAssertEqual(b[9], 0)
        XCTAssertFalse(c.contains(0))
        XCTAssertTrue(try FrameDirectoryDataset(directory: dir, width: 4, height: 4, fit: .letterbox, cacheDirectory: dir + "-run").loadedFromCache)
        XCTAssertTrue(boxed.warnings.contains { $0.problem.contains("black bars") }, "\(boxed.warnings)")
    }
}
