import CZlib

/// Filters and deflates 8-bit RGB images into PNG image data (the payload of IDAT, or of fdAT
/// after its sequence number), reusing one zlib stream and its buffers from image to image:
/// a fresh deflate stream per frame allocates a few hundred kilobytes of zlib state, which
/// cost more than compressing a small lamp frame. Rows are filtered with Paeth (good for
/// smooth lamp images).
public final class PNGCompressor {
    /// zlib level: 1 (fastest) ... 9 (smallest).
    public let level: Int32
    private let stream: UnsafeMutablePointer<z_stream>
    private var filtered = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var output = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    public init(level: Int32) {
        precondition((1...9).contains(level), "zlib level must be 1...9")
        self.level = level
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit_(stream, level, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed (\(status))")
    }

    deinit { deflateEnd(stream); stream.deallocate(); filtered.deallocate(); output.deallocate() }

    /// A buffer of at least `count` bytes (kept from call to call, grown when needed).
    private static func ensure(_ buffer: inout UnsafeMutableBufferPointer<UInt8>, _ count: Int) {
        guard buffer.count < count else { return }
        buffer.deallocate()
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: 0)
    }

    /// The image data of `rgb` (width × height × 3 bytes, top row first), in a buffer the
    /// compressor owns: valid until its next call, and only while the compressor lives.
    public func compress(width: Int, height: Int, rgb: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        precondition(rgb.count == width * height * 3, "image buffer does not match its size")
        let stride = width * 3
        let rawCount = (stride + 1) * height
        Self.ensure(&filtered, rawCount)
        do {
            let out = filtered.baseAddress!, src = rgb.baseAddress!
            for y in 0..<height {
                let row = src + y * stride, dst = out + y * (stride + 1)
                dst[0] = 4 // Paeth
                for x in 0..<stride {
                    let a = x >= 3 ? Int(row[x - 3]) : 0
                    let b = y > 0 ? Int(row[x - stride]) : 0
                    let c = (x >= 3 && y > 0) ? Int(row[x - stride - 3]) : 0
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    let prediction = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                    dst[1 + x] = UInt8(truncatingIfNeeded: Int(row[x]) - prediction)
                }
            }
        }
        Self.ensure(&output, Int(deflateBound(stream, uLong(rawCount))))
        deflateReset(stream)
        stream.pointee.next_in = filtered.baseAddress
        stream.pointee.avail_in = uInt(rawCount)
        stream.pointee.next_out = output.baseAddress
        stream.pointee.avail_out = uInt(output.count)
        let status = deflate(stream, Z_FINISH)
        precondition(status == Z_STREAM_END, "zlib deflate failed (\(status))")
        return UnsafeBufferPointer(start: output.baseAddress, count: output.count - Int(stream.pointee.avail_out))
    }
}
