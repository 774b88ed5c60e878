// libFuzzer target for the trainer's footage cache (Trainer/Data/FrameCache.swift): every input
// is written to a file and read as a cache (the checks a planted or damaged file meets: regular
// file, promised size, limit, checksum), and parsed again with its size and checksum fields
// set right, so that the parser behind them is fuzzed too (a mutation almost never passes a
// 64-bit checksum). A parsed cache must re-encode to the same entries and frames. Any input
// must end in a cache or nil, never a trap, an out-of-bounds access or an allocation beyond
// the limit (docs/reliability.md).

#if canImport(Glibc)
import Glibc
#endif

private let inputPath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/duralava-cache-fuzz-\(getpid()).bin"
}()

private let folder = "/footage"

@_cdecl("LLVMFuzzerTestOneInput")
public func frameCacheFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let f = fopen(inputPath, "wb") else { fatalError("cannot write \(inputPath)") }
    precondition(fwrite(bytes, 1, size, f) == size)
    fclose(f)
    let limit = FrameCache.maxBytes(entries: 4, width: 4, height: 4)
    if let read = FrameCache.readFile(inputPath, limit: limit) {
        precondition(read == bytes && read.count <= limit)
        check(FrameCache.decode(read, width: 4, height: 4, folder: folder))
    }
    guard bytes.count >= FrameCache.fixedHeaderBytes else { return 0 }
    func put(_ v: UInt64, at offset: Int) { for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
    put(UInt64(bytes.count), at: 28)
    put(FrameCache.checksum(bytes[FrameCache.fixedHeaderBytes...]), at: 36)
    check(FrameCache.decode(bytes, width: 4, height: 4, folder: folder))
    return 0
}

/// A parsed cache has whole frames, one per frame entry, and survives encode → decode.
private func check(_ contents: FrameCacheContents?) {
    guard let c = contents else { return }
    let frames = c.entries.filter { $0.problem == nil }.count
    precondition(c.frames.count == frames * 4 * 4 * 3)
    // Texts longer than the encoder keeps are cut on the way back; compare the rest.
    guard c.entries.allSatisfy({ $0.stamp.name.utf8.count <= FrameCache.maxText && ($0.problem ?? "").utf8.count <= FrameCache.maxText })
    else { return }
    let again = FrameCache.encode(width: 4, height: 4, folder: folder, contents: c)
    guard let d = FrameCache.decode(again, width: 4, height: 4, folder: folder) else { preconditionFailure("re-encoded cache does not parse") }
    precondition(d.frames == c.frames)
    precondition(d.entries.map(\.stamp) == c.entries.map(\.stamp))
    precondition(d.entries.map(\.problem) == c.entries.map(\.problem))
}
