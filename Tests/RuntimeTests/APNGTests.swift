import Foundation
import LampOutput
import TestSupport
import XCTest

/// Parses PNG chunks and checks the APNG structure: acTL, one fcTL per frame, sequence numbers,
/// CRCs, looping forever.
final class APNGTests: XCTestCase {
    struct Chunk { var type: String; var data: [UInt8] }

    func chunks(_ b: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> [Chunk] {
        XCTAssertEqual(Array(b.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file: file, line: line)
        var out: [Chunk] = []
        var p = 8
        func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        while p + 12 <= b.count {
            let n = u32(p)
            let type = String(decoding: b[(p + 4)..<(p + 8)], as: UTF8.self)
            let data = Array(b[(p + 8)..<(p + 8 + n)])
            XCTAssertEqual(UInt32(u32(p + 8 + n)), crc32(Array(b[(p + 4)..<(p + 8 + n)])), "CRC of \(type)", file: file, line: line)
            out.append(Chunk(type: type, data: data))
            p += 12 + n
        }
        XCTAssertEqual(p, b.count, "chunks fill the file", file: file, line: line)
        return out
    }

    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }

    func frameRGB(_ k: Int, w: Int, h: Int) -> [UInt8] {
        (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 7 + k * 31) }
    }

    func testStructureAndLooping() throws {
        let path = temporaryDirectory() + "/a.png"
        let writer = try APNGWriter(path: path, width: 5, height: 3, frameCount: 4, delayNumerator: 1, delayDenominator: 5)
        for k in 0..<4 { try writer.append(rgb: frameRGB(k, w: 5, h: 3)) }
        try writer.finish()
        let c = chunks(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(c.map(\.type), ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        XCTAssertEqual(c[1].data, [0, 0, 0, 4, 0, 0, 0, 0], "4 frames, num_plays 0 = forever")
        // Sequence numbers run 0, 1, 2, … across fcTL and fdAT.
        var seq: [Int] = []
        for ch in c where ch.type == "fcTL" || ch.type == "fdAT" {
            seq.append(Int(ch.data[0]) << 24 | Int(ch.data[1]) << 16 | Int(ch.data[2]) << 8 | Int(ch.data[3]))
        }
        XCTAssertEqual(seq, Array(0..<7))
        let fctl = c[2].data
        XCTAssertEqual(Array(fctl[20..<24]), [0, 1, 0, 5], "delay 1/5 s")
    }

    func testFramesDecodeWithFFmpegExactly() throws {
        guard let ffmpeg = which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed (make test-deps installs it)") }
        let dir = temporaryDirectory()
        let path = dir + "/b.png"
        let writer = try APNGWriter(path: path, width: 6, height: 4, frameCount: 3, delayNumerator: 1, delayDenominator: 10)
        for k in 0..<3 { try writer.append(rgb: frameRGB(k, w: 6, h: 4)) }
        try writer.finish()
        let r = try runProcess(ffmpeg, ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", dir + "/raw.rgb"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let raw = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/raw.rgb")))
        XCTAssertEqual(raw, frameRGB(0, w: 6, h: 4) + frameRGB(1, w: 6, h: 4) + frameRGB(2, w: 6, h: 4))
    }

    func testUnfinishedAnimationNeverReplacesTheFile() throws {
        let path = temporaryDirectory() + "/c.png"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try APNGWriter(path: path, width: 2, height: 2, frameCount: 3, delayNumerator: 1, delayDenominator: 5)
        try writer.append(rgb: frameRGB(0, w: 2, h: 2))
        XCTAssertThrowsError(try writer.finish())
        XCTAssertThrowsError(try writer.append(rgb: [1, 2, 3]), "wrong frame size")
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self), "keep me")
    }

    func testSinglePNG() throws {
        let path = temporaryDirectory() + "/d.png"
        try writePNG(path: path, width: 2, height: 1, rgb: [255, 0, 0, 0, 0, 255])
        let c = chunks(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(c.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(Array(c[0].data.prefix(8)), [0, 0, 0, 2, 0, 0, 0, 1])
    }
}
