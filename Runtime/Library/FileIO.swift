#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPosix

/// An I/O failure, naming the file.
public struct FileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// The text of the calling thread's errno.
public func errnoText() -> String { String(cString: strerror(dl_errno())) }

/// Reads a whole file. Refuses anything larger than `limit` bytes (default 2^31 − 1: the largest
/// Int of the 32-bit armhf build too).
public func readWholeFile(_ path: String, limit: Int = Int(Int32.max)) throws(FileError) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw FileError(path: path, message: "cannot open (\(errnoText()))")
    }
    defer { fclose(f) }
    var st = stat()
    guard fstat(fileno(f), &st) == 0 else { throw FileError(path: path, message: "cannot stat (\(errnoText()))") }
    guard dl_file_kind(st.st_mode) == DL_FILE_REGULAR else { throw FileError(path: path, message: "not a regular file") }
    let size = Int(st.st_size)
    guard size <= limit else { throw FileError(path: path, message: "file of \(size) bytes exceeds the \(limit)-byte limit") }
    var bytes = [UInt8](repeating: 0, count: size)
    let n = bytes.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, size, f) }
    guard n == size else { throw FileError(path: path, message: "short read (\(n) of \(size) bytes)") }
    return bytes
}

/// A regular file read in pieces — a model's header, then one tensor at a time — so that loading
/// a model never holds the whole file (docs/runtime.md, memory). The same checks and messages as
/// readWholeFile; the file stays open (a rename or truncation after opening is read as it was
/// opened, or is a short read).
public final class FileReader {
    public let path: String
    /// Bytes in the file when it was opened.
    public let size: Int
    private let file: UnsafeMutablePointer<FILE>

    public init(_ path: String, limit: Int = Int(Int32.max)) throws(FileError) {
        guard let f = fopen(path, "rb") else { throw FileError(path: path, message: "cannot open (\(errnoText()))") }
        var st = stat()
        guard fstat(fileno(f), &st) == 0 else { let m = errnoText(); fclose(f); throw FileError(path: path, message: "cannot stat (\(m))") }
        guard dl_file_kind(st.st_mode) == DL_FILE_REGULAR else { fclose(f); throw FileError(path: path, message: "not a regular file") }
        let size = Int(st.st_size)
        guard size <= limit else { fclose(f); throw FileError(path: path, message: "file of \(size) bytes exceeds the \(limit)-byte limit") }
        self.path = path; self.size = size; file = f
    }

    deinit { fclose(file) }

    /// `count` bytes from `offset` (within `size`).
    public func read(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size && count <= size - offset)
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        guard fseek(file, offset, SEEK_SET) == 0 else { throw FileError(path: path, message: "cannot seek (\(errnoText()))") }
        let n = bytes.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, count, file) }
        guard n == count else { throw FileError(path: path, message: "short read (\(n) of \(count) bytes)") }
        return bytes
    }
}

/// How an output reaches `path`, decided from what is there now (docs/reliability.md#outputs): a regular file
/// (or nothing) is replaced atomically through a temporary file and a rename; a device or a
/// FIFO is written through, because renaming over it would replace the device node; a
/// symlink is followed and its target replaced, so the link stays; anything else is refused.
public enum OutputTarget: Equatable {
    /// Write `temporary`, then rename it to `final`.
    case replace(final: String, temporary: String)
    /// Open `path` itself and write into it.
    case writeThrough(String)

    /// The temporary file's suffix: this program's name and process id
    /// (`NAME.duralava-PID.partial`), so that a later sweep removes only temporaries of
    /// duralava whose writer is gone (`sweepStaleTemporaries`, docs/reliability.md).
    public static var temporarySuffix: String { ".duralava-\(dl_process_id()).partial" }

    public static func resolve(_ path: String) throws(FileError) -> OutputTarget {
        guard !path.isEmpty else { throw FileError(path: "\"\"", message: emptyPathMessage) }
        let suffix = temporarySuffix
        var st = stat()
        guard lstat(path, &st) == 0 else {
            guard dl_errno() == ENOENT else { throw FileError(path: path, message: "cannot stat (\(errnoText()))") }
            return .replace(final: path, temporary: path + suffix)
        }
        switch dl_file_kind(st.st_mode) {
        case DL_FILE_REGULAR:
            return .replace(final: path, temporary: path + suffix)
        case DL_FILE_CHARACTER_DEVICE, DL_FILE_FIFO:
            return .writeThrough(path)
        case DL_FILE_SYMLINK:
            guard let real = realpath(path, nil) else {
                throw FileError(path: path, message: "is a symlink whose target cannot be resolved (\(errnoText())); not replacing the link")
            }
            defer { free(real) }
            let target = String(cString: real)
            var tst = stat()
            guard stat(target, &tst) == 0 else { throw FileError(path: path, message: "cannot stat the link's target \(target) (\(errnoText()))") }
            switch dl_file_kind(tst.st_mode) {
            case DL_FILE_REGULAR: return .replace(final: target, temporary: target + suffix)
            case DL_FILE_CHARACTER_DEVICE, DL_FILE_FIFO: return .writeThrough(target)
            default: throw FileError(path: path, message: "is a symlink to \(target), which is \(fileKind(tst.st_mode)), not a file; refusing to write")
            }
        default:
            throw FileError(path: path, message: "is \(fileKind(st.st_mode)), not a file; refusing to write")
        }
    }

    /// Opens the file to write: a fresh temporary (a stale one, or a link planted at its
    /// name, is removed first and never followed), or the path itself.
    public func open() throws(FileError) -> UnsafeMutablePointer<FILE> {
        switch self {
        case .replace(let final, let tmp):
            unlink(tmp)
            let fd = createExclusively(tmp)
            // The messages name the output, never the temporary (an internal name the user never gave).
            guard fd >= 0 else { throw FileError(path: final, message: "cannot create the file (\(errnoText()))") }
            guard let f = fdopen(fd, "wb") else { close(fd); unlink(tmp); throw FileError(path: final, message: "cannot open the file (\(errnoText()))") }
            // A caught signal removes it (where the command asked for that); a kill -9 leaves it to a sweep.
            _ = dl_temporary_register(tmp)
            return f
        case .writeThrough(let path):
            guard let f = fopen(path, "wb") else { throw FileError(path: path, message: "cannot open for writing (\(errnoText()))") }
            return f
        }
    }

    /// Removes the temporary file after a failure; the path itself is left as it was.
    public func discard() {
        if case .replace(_, let tmp) = self { unlink(tmp); dl_temporary_unregister(tmp) }
    }

    /// Moves the finished temporary file into place (nothing to do for a write-through).
    public func commit() throws(FileError) {
        guard case .replace(let final, let tmp) = self else { return }
        defer { dl_temporary_unregister(tmp) }
        guard rename(tmp, final) == 0 else {
            let m = errnoText(); unlink(tmp)
            throw FileError(path: final, message: "rename failed (\(m))")
        }
    }
}

/// A new file, never through a link at its name (O_EXCL | O_NOFOLLOW), mode 0644 before umask.
private func createExclusively(_ path: String) -> Int32 {
    dl_open_new_file(path)
}

/// "a directory", "a block device", ... for error messages.
public func fileKind(_ mode: mode_t) -> String {
    switch dl_file_kind(mode) {
    case DL_FILE_REGULAR: return "a regular file"
    case DL_FILE_DIRECTORY: return "a directory"
    case DL_FILE_CHARACTER_DEVICE: return "a character device"
    case DL_FILE_BLOCK_DEVICE: return "a block device"
    case DL_FILE_FIFO: return "a FIFO"
    case DL_FILE_SOCKET: return "a socket"
    case DL_FILE_SYMLINK: return "a symlink"
    default: return "not a file"
    }
}

/// Writes a file atomically: to `path.duralava-PID.partial`, flushed, then renamed over `path`, so a crash
/// mid-write leaves the previous file intact. A device, FIFO or symlink at `path` is kept
/// (OutputTarget); the temporary file is removed on every error path.
public func writeFileAtomically(_ path: String, _ chunks: [[UInt8]]) throws(FileError) {
    let target = try OutputTarget.resolve(path)
    let f = try target.open()
    var ok = true
    for c in chunks where !c.isEmpty {
        let n = c.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        if n != c.count { ok = false; break }
    }
    var message = ok ? "" : errnoText()
    if ok {
        ok = fflush(f) == 0
        if !ok { message = errnoText() }
    }
    // fsync is for durability of a file about to be renamed; devices and FIFOs may refuse it.
    if ok, case .replace = target, fsync(fileno(f)) != 0 { ok = false; message = errnoText() }
    let closed = fclose(f) == 0
    if ok && !closed { message = errnoText() }
    guard ok && closed else {
        target.discard()
        throw FileError(path: path, message: "write failed (\(message))")
    }
    try target.commit()
}

public func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
}

public func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && dl_file_kind(st.st_mode) == DL_FILE_DIRECTORY
}

/// `mkdir -p`: creates `path` and any missing parents (a run folder `runs/NAME`, a report
/// folder), naming the part that could not be made.
public func makeDirectories(_ path: String) throws(FileError) {
    guard !path.isEmpty else { throw FileError(path: "\"\"", message: emptyPathMessage) }
    var current = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + part
        if isDirectory(current) { continue }
        if mkdir(current, 0o755) != 0 && dl_errno() != EEXIST {
            throw FileError(path: current, message: "cannot create directory (\(errnoText()))")
        }
        guard isDirectory(current) else { throw FileError(path: current, message: "exists and is not a directory") }
    }
}
