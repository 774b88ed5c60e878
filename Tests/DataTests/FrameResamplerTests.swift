import XCTest
import DuralavaData

/// Centre-crop to the target aspect, then exact area averaging.
final class FrameResamplerTests: XCTestCase {
    func testSameSizeIsIdentity() {
        let pixels = (0..<(5 * 4 * 3)).map { UInt8($0 * 4 % 256) }
        let image = RGBImage(width: 5, height: 4, pixels: pixels)
        XCTAssertEqual(FrameResampler.fit(image, width: 5, height: 4), pixels)
    }

    func testHalvingAveragesBlocks() {
        // 4x2 grey image, values per pixel: 0 100 | 40 60 over 20 120 | 80 100 -> 2x1.
        let grey: [UInt8] = [0, 100, 40, 60, 20, 120, 80, 100]
        let image = RGBImage(width: 4, height: 2, pixels: grey.flatMap { [$0, $0, $0] })
        let out = FrameResampler.fit(image, width: 2, height: 1)
        XCTAssertEqual(out, [60, 60, 60, 70, 70, 70])
    }

    func testWideImageIsCentreCropped() {
        // 4x2: columns 0 and 3 red, 1 and 2 green; a square target keeps the green middle.
        var pixels: [UInt8] = []
        for _ in 0..<2 { for c in 0..<4 { pixels += (c == 0 || c == 3) ? [255, 0, 0] : [0, 255, 0] } }
        let out = FrameResampler.fit(RGBImage(width: 4, height: 2, pixels: pixels), width: 2, height: 2)
        XCTAssertEqual(out, [0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0])
    }

    func testTallImageIsCentreCropped() {
        // 1x3: top black, middle white, bottom black; a 1x1 target sees only the middle.
        let pixels: [UInt8] = [0, 0, 0, 255, 255, 255, 0, 0, 0]
        XCTAssertEqual(FrameResampler.fit(RGBImage(width: 1, height: 3, pixels: pixels), width: 1, height: 1), [255, 255, 255])
    }

    func testFractionalRatioPreservesMean() {
        var pixels: [UInt8] = []
        for i in 0..<(7 * 7) { let v = UInt8((i * 37) % 256); pixels += [v, v, v] }
        let out = FrameResampler.fit(RGBImage(width: 7, height: 7, pixels: pixels), width: 3, height: 3)
        let meanIn = Double(pixels.reduce(0) { $0 + Int($1) }) / Double(pixels.count)
        let meanOut = Double(out.reduce(0) { $0 + Int($1) }) / Double(out.count)
        XCTAssertEqual(meanIn, meanOut, accuracy: 1.0)
    }

    func testUpscalingKeepsASolidColour() {
        let image = RGBImage(width: 3, height: 2, pixels: [UInt8]([9, 99, 199]).repeated(6))
        XCTAssertEqual(FrameResampler.fit(image, width: 10, height: 7), [UInt8]([9, 99, 199]).repeated(70))
    }
}

extension Array {
    func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}
