import CZlib

/// Encodes 8-bit RGB images as PNG chunks. Used by the PNG and APNG writers.
/// Rows are filtered with Paeth (good for smooth lamp images) and deflated by zlib.
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

    /// Filtered and deflated image data (the payload of IDAT or, after a sequence number, fdAT).
    static func compressedImage(width: Int, height: Int, rgb: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "image buffer does not match its size")
        let stride = width * 3
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        raw.withUnsafeMutableBufferPointer { raw in
            for y in 0..<height {
                let dst = y * (stride + 1)
                raw[dst] = 4 // Paeth
                for x in 0..<stride {
                    let cur = Int(rgb[y * stride + x])
                    let a = x >= 3 ? Int(rgb[y * stride + x - 3]) : 0
                    let b = y > 0 ? Int(rgb[(y - 1) * stride + x]) : 0
                    let c = (x >= 3 && y > 0) ? Int(rgb[(y - 1) * stride + x - 3]) : 0
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    let pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                    raw[dst + 1 + x] = UInt8(truncatingIfNeeded: cur - pred)
                }
            }
        }
        var destLen = compressBound(uLong(raw.count))
        var out = [UInt8](repeating: 0, count: Int(destLen))
        let status = out.withUnsafeMutableBufferPointer { o in
            raw.withUnsafeBufferPointer { r in
                compress2(o.baseAddress, &destLen, r.baseAddress, uLong(r.count), 6)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        out.removeSubrange(Int(destLen)...)
        return out
    }
}
