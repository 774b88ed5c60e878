// A small independent PNG encoder for the loader's tests: it writes every colour type
// and bit depth (grey, grey+alpha, palette with and without transparency, RGB, RGBA;
// 1 to 16 bits) with uncompressed ("stored") deflate blocks, so it needs no zlib and
// shares no code with the decoder under test.

import Foundation

enum TestPNG {
    enum ColourType: UInt8 { case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6 }

    /// Encodes an image whose scanlines are given as raw packed sample bytes (without the
    /// filter byte), as the PNG specification lays them out for that type and depth.
    static func encode(width: Int, height: Int, colour: ColourType, bitDepth: UInt8, scanlines: [[UInt8]],
                       palette: [UInt8]? = nil, transparency: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [bitDepth, colour.rawValue, 0, 0, 0]
        out += chunk("IHDR", ihdr)
        if let palette { out += chunk("PLTE", palette) }
        if let transparency { out += chunk("tRNS", transparency) }
        var raw: [UInt8] = []
        for line in scanlines { raw.append(0); raw += line }
        out += chunk("IDAT", zlibStored(raw))
        out += chunk("IEND", [])
        return out
    }

    /// 8-bit RGB convenience.
    static func rgb8(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        let lines = (0..<height).map { Array(pixels[($0 * width * 3)..<(($0 + 1) * width * 3)]) }
        return encode(width: width, height: height, colour: .rgb, bitDepth: 8, scanlines: lines)
    }

    /// A solid-colour 8-bit RGB image.
    static func solid(width: Int, height: Int, r: UInt8, g: UInt8, b: UInt8) -> [UInt8] {
        var pixels: [UInt8] = []
        for _ in 0..<(width * height) { pixels += [r, g, b] }
        return rgb8(width: width, height: height, pixels: pixels)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(UInt32(data.count)) + typeBytes + data + be32(crc32(typeBytes + data))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// A fresh temporary directory, removed by the caller's `defer`.
func makeTemporaryDirectory(_ tag: String) throws -> String {
    let path = NSTemporaryDirectory() + "duralava-\(tag)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
