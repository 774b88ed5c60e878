import CZlib

/// Encodes 8-bit RGB images as PNG chunks. Used by the PNG and APNG writers.
/// The image data comes from PNGCompressor.
enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// One chunk: length, type, data, CRC over type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 12)
        appendUInt32(&out, UInt32(data.count))
        let typeBytes = Array(type.utf8)
        out += typeBytes
        out += data
        var crc = crc32(0, nil, 0)
        typeBytes.withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress, UInt32($0.count)) }
        data.withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress, UInt32($0.count)) }
        appendUInt32(&out, UInt32(truncatingIfNeeded: crc))
        return out
    }

    static func appendUInt32(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v >> 24)); out.append(UInt8((v >> 16) & 0xFF))
        out.append(UInt8((v >> 8) & 0xFF)); out.append(UInt8(v & 0xFF))
    }

    static func appendUInt16(_ out: inout [UInt8], _ v: UInt16) {
        out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF))
    }

    static func header(width: Int, height: Int) -> [UInt8] {
        var ihdr: [UInt8] = []
        appendUInt32(&ihdr, UInt32(width)); appendUInt32(&ihdr, UInt32(height))
        ihdr += [8, 2, 0, 0, 0] // 8-bit, truecolour RGB, deflate, adaptive filtering, no interlace
        return chunk("IHDR", ihdr)
    }

    /// Filtered and deflated image data (the payload of IDAT or, after a sequence number, fdAT),
    /// at zlib's default level, for a single image.
    static func compressedImage(width: Int, height: Int, rgb: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let compressor = PNGCompressor(level: 6)
        return withExtendedLifetime(compressor) { Array(compressor.compress(width: width, height: height, rgb: rgb)) }
    }
}
