// The decoded-frame cache of a frame directory: one binary file per training size and fit,
// `RUN/frames-cache-WxH.bin` (centre-cropped) or `RUN/frames-cache-WxH-letterbox.bin`, kept in
// the run folder (never in the footage folder, which may be shared or someone else's), so that
// a second run loads in a fraction of a second instead of decoding thousands of PNGs. It names
// the footage folder and lists every file of it with its size and modification time; it is used
// only for exactly those files, and only after its size and checksum are checked: a cache
// is read only if it is a regular file (opened without following links or blocking on a
// FIFO) of exactly the size its header promises, within what the listed files can need, with a
// matching checksum — anything else is rebuilt from the PNGs
// (docs/reliability.md#frame-directories). It is written through a temporary file and a rename.
//
// Layout (little-endian), version 2:
//   "DLVCACHE" u32 version u32 width u32 height u32 entryCount u32 frameCount
//   u64 totalBytes u64 checksum (FNV-1a 64 of every byte after these 44)
//   u32 folderLength, folder (UTF-8)
//   entryCount x { u32 nameLength, name (UTF-8), u64 size, i64 mtimeSeconds,
//                  i64 mtimeNanoseconds, u8 isFrame, u32 problemLength, problem (UTF-8) }
//   frameCount x width*height*3 bytes of RGB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file of the directory as the cache remembers it.
struct FrameFileStamp: Equatable {
    var name: String
    var size: UInt64
    var mtimeSeconds: Int64
    var mtimeNanoseconds: Int64
}

struct FrameCacheContents {
    var entries: [(stamp: FrameFileStamp, problem: String?)]  // problem == nil: a frame
    var frames: [UInt8]
}

enum FrameCache {
    static let magic: [UInt8] = Array("DLVCACHE".utf8)
    static let version: UInt32 = 2
    static let fixedHeaderBytes = 44
    /// Longest name, problem and folder text kept in a cache (longer ones are cut).
    static let maxText = 1024, maxFolderText = 4096

    static func fileName(width: Int, height: Int, fit: FrameFit = .crop) -> String {
        "frames-cache-\(width)x\(height)\(fit == .crop ? "" : "-" + fit.rawValue).bin"
    }

    /// The most bytes a cache of `entries` files and frames of width x height can have.
    static func maxBytes(entries: Int, width: Int, height: Int) -> Int {
        fixedHeaderBytes + 4 + maxFolderText + 4 + entries * (4 + maxText + 4 + 25 + 4 + maxText + 4 + width * height * 3)
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// Valid UTF-8 of at most `limit` bytes.
    private static func cut(_ s: String, _ limit: Int) -> [UInt8] {
        var b = Array(s.utf8)
        guard b.count > limit else { return b }
        b = Array(b.prefix(limit))
        while !b.isEmpty && String(validating: b, as: UTF8.self) == nil { b.removeLast() }
        return b
    }

    static func encode(width: Int, height: Int, folder: String, contents: FrameCacheContents) -> [UInt8] {
        var out = magic
        out.reserveCapacity(contents.frames.count + 64 * contents.entries.count + 64)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func text(_ s: String, _ limit: Int) { let b = cut(s, limit); u32(UInt32(b.count)); out.append(contentsOf: b) }
        let frameBytes = width * height * 3
        u32(version); u32(UInt32(width)); u32(UInt32(height))
        u32(UInt32(contents.entries.count)); u32(UInt32(contents.frames.count / frameBytes))
        u64(0); u64(0)  // totalBytes and checksum, filled in below
        text(folder, maxFolderText)
        for (stamp, problem) in contents.entries {
            text(stamp.name, maxText)
            u64(stamp.size)
            u64(UInt64(bitPattern: stamp.mtimeSeconds))
            u64(UInt64(bitPattern: stamp.mtimeNanoseconds))
            out.append(problem == nil ? 1 : 0)
            text(problem ?? "", maxText)
        }
        out.append(contentsOf: contents.frames)
        func put(_ v: UInt64, at offset: Int) { for i in 0..<8 { out[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        put(UInt64(out.count), at: 28)
        put(checksum(out[fixedHeaderBytes...]), at: 36)
        return out
    }

    /// Parses a cache file; nil when it is not a complete, intact cache of this size and folder.
    static func decode(_ bytes: [UInt8], width: Int, height: Int, folder: String) -> FrameCacheContents? {
        var p = 0
        func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, p + n <= bytes.count else { return nil }
            defer { p += n }
            return bytes[p..<(p + n)]
        }
        func u32() -> UInt32? {
            guard let s = take(4) else { return nil }
            return s.reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        func u64() -> UInt64? {
            guard let s = take(8) else { return nil }
            return s.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        func text() -> String? {
            guard let n = u32(), n <= maxFolderText, let s = take(Int(n)) else { return nil }
            return String(decoding: s, as: UTF8.self)
        }
        guard let m = take(8), Array(m) == magic, u32() == version,
              u32() == UInt32(width), u32() == UInt32(height),
              let entryCount = u32(), let frameCount = u32(),
              u64() == UInt64(bytes.count), let sum = u64(), sum == checksum(bytes[fixedHeaderBytes...]),
              text() == folder else { return nil }
        var entries: [(stamp: FrameFileStamp, problem: String?)] = []
        var frames = 0
        for _ in 0..<entryCount {
            guard let name = text(), let size = u64(), let sec = u64(), let nsec = u64(),
                  let flag = take(1), let problem = text() else { return nil }
            let isFrame = flag.first == 1
            if isFrame { frames += 1 }
            entries.append((FrameFileStamp(name: name, size: size, mtimeSeconds: Int64(bitPattern: sec),
                                           mtimeNanoseconds: Int64(bitPattern: nsec)),
                            isFrame ? nil : problem))
        }
        let frameBytes = width * height * 3
        guard frames == Int(frameCount), let data = take(frames * frameBytes), p == bytes.count else { return nil }
        return FrameCacheContents(entries: entries, frames: Array(data))
    }

    /// Reads a cache file, or nil: only a regular file (opened without following a link, and
    /// without blocking on a FIFO) of at most `limit` bytes, whose size is the one its header
    /// promises, is read; nothing is allocated before the size is checked.
    static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(st.st_size)
        guard size >= fixedHeaderBytes, size <= limit else { return nil }
        var head = [UInt8](repeating: 0, count: fixedHeaderBytes)
        guard readFully(fd, &head, from: 0, count: fixedHeaderBytes) else { return nil }
        var promised: UInt64 = 0
        for i in 0..<8 { promised |= UInt64(head[28 + i]) << (8 * UInt64(i)) }
        guard promised == UInt64(size) else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        guard readFully(fd, &bytes, from: 0, count: size) else { return nil }
        return bytes
    }

    private static func readFully(_ fd: Int32, _ buffer: inout [UInt8], from offset: Int, count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
