// The decoded-frame cache of a frame directory: one binary file per training size and fit,
// `DIR/.duralava-cache-WxH.bin` (centre-cropped) or `DIR/.duralava-cache-WxH-letterbox.bin`, so that a second run loads in a fraction of a second
// instead of decoding thousands of PNGs. Its header lists every file of the directory
// with its size and modification time; the cache is used only when the directory still
// holds exactly those files, and is rebuilt otherwise. It is written to a temporary file
// and renamed into place, so an interrupted run never leaves a half-written cache.
//
// Layout (little-endian):
//   "DLVCACHE" u32 version u32 width u32 height u32 entryCount u32 frameCount
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
    static let version: UInt32 = 1

    static func fileName(width: Int, height: Int, fit: FrameFit = .crop) -> String {
        ".duralava-cache-\(width)x\(height)\(fit == .crop ? "" : "-" + fit.rawValue).bin"
    }

    static func encode(width: Int, height: Int, contents: FrameCacheContents) -> [UInt8] {
        var out = magic
        out.reserveCapacity(contents.frames.count + 64 * contents.entries.count + 64)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func text(_ s: String) { let b = Array(s.utf8); u32(UInt32(b.count)); out.append(contentsOf: b) }
        let frameBytes = width * height * 3
        u32(version); u32(UInt32(width)); u32(UInt32(height))
        u32(UInt32(contents.entries.count)); u32(UInt32(contents.frames.count / frameBytes))
        for (stamp, problem) in contents.entries {
            text(stamp.name)
            u64(stamp.size)
            u64(UInt64(bitPattern: stamp.mtimeSeconds))
            u64(UInt64(bitPattern: stamp.mtimeNanoseconds))
            out.append(problem == nil ? 1 : 0)
            text(problem ?? "")
        }
        out.append(contentsOf: contents.frames)
        return out
    }

    /// Parses a cache file; nil when it is not a complete cache of this size.
    static func decode(_ bytes: [UInt8], width: Int, height: Int) -> FrameCacheContents? {
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
            guard let n = u32(), n < 1 << 20, let s = take(Int(n)) else { return nil }
            return String(decoding: s, as: UTF8.self)
        }
        guard let m = take(8), Array(m) == magic, u32() == version,
              u32() == UInt32(width), u32() == UInt32(height),
              let entryCount = u32(), let frameCount = u32() else { return nil }
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

    /// Reads a whole file, or nil.
    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        guard fseek(f, 0, SEEK_END) == 0 else { return nil }
        let length = ftell(f)
        guard length >= 0, fseek(f, 0, SEEK_SET) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, length, f) }
        return got == length ? bytes : nil
    }

    /// Writes `bytes` to `path` atomically (temporary file, then rename). Returns an error
    /// message on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = "\(path).tmp-\(getpid())"
        guard let f = fopen(temporary, "wb") else {
            return "cannot create \(temporary): \(String(cString: strerror(errno)))"
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
        let closed = fclose(f)
        guard written == bytes.count, closed == 0 else {
            unlink(temporary)
            return "cannot write \(temporary): \(String(cString: strerror(errno)))"
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return "cannot rename the cache into place at \(path): \(reason)"
        }
        return nil
    }
}
