#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An I/O failure, naming the file.
public struct FileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Reads a whole file. Refuses anything larger than `limit` bytes.
public func readWholeFile(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw FileError(path: path, message: "cannot open (\(errnoText()))")
    }
    defer { fclose(f) }
    var st = stat()
    guard fstat(fileno(f), &st) == 0 else { throw FileError(path: path, message: "cannot stat (\(errnoText()))") }
    guard (st.st_mode & S_IFMT) == S_IFREG else { throw FileError(path: path, message: "not a regular file") }
    let size = Int(st.st_size)
    guard size <= limit else { throw FileError(path: path, message: "file of \(size) bytes exceeds the \(limit)-byte limit") }
    var bytes = [UInt8](repeating: 0, count: size)
    let n = bytes.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, size, f) }
    guard n == size else { throw FileError(path: path, message: "short read (\(n) of \(size) bytes)") }
    return bytes
}

/// Writes a file atomically: to `path.tmp-PID`, flushed, then renamed over `path`, so a crash
/// mid-write leaves the previous file intact.
public func writeFileAtomically(_ path: String, _ chunks: [[UInt8]]) throws {
    let tmp = path + ".tmp-\(getpid())"
    guard let f = fopen(tmp, "wb") else {
        throw FileError(path: path, message: "cannot open \(tmp) for writing (\(errnoText()))")
    }
    var ok = true
    for c in chunks where !c.isEmpty {
        let n = c.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        if n != c.count { ok = false; break }
    }
    if ok { ok = fflush(f) == 0 && fsync(fileno(f)) == 0 }
    let closed = fclose(f) == 0
    guard ok && closed else {
        let m = errnoText(); unlink(tmp)
        throw FileError(path: path, message: "write failed (\(m))")
    }
    guard rename(tmp, path) == 0 else {
        let m = errnoText(); unlink(tmp)
        throw FileError(path: path, message: "rename failed (\(m))")
    }
}

public func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
}

public func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}
