#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error writing an image file; the description names the file.
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// An image file written under a temporary name (`path.partial`) and renamed into place when
/// complete, so a crash or a full disk never leaves a half-written image where a good one
/// was. What is already at `path` decides (DESIGN §9; the same rule as the runtime's
/// OutputTarget, which this library cannot import): a regular file is replaced; a device or
/// a FIFO is written through (renaming over it would replace the node); a symlink is followed
/// and its target replaced, so the link stays; a directory or anything else is refused. The
/// temporary file is removed on every error path.
final class OutputFile {
    let path: String
    /// Where the bytes go: the temporary file, or the path itself when writing through.
    private let writePath: String
    /// The rename's destination; nil when writing through.
    private let finalPath: String?
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        func fail(_ m: String) -> OutputError { OutputError(path: path, message: m) }
        func errorText() -> String { String(cString: strerror(errno)) }
        var destination = path
        var st = stat()
        var exists = lstat(path, &st) == 0
        if !exists && errno != ENOENT { throw fail("cannot stat (\(errorText()))") }
        if exists && (st.st_mode & S_IFMT) == S_IFLNK {
            guard let real = realpath(path, nil) else {
                throw fail("is a symlink whose target cannot be resolved (\(errorText())); not replacing the link")
            }
            destination = String(cString: real)
            free(real)
            exists = stat(destination, &st) == 0
        }
        let kind = exists ? st.st_mode & S_IFMT : S_IFREG
        switch kind {
        case S_IFREG:
            finalPath = destination
            writePath = destination + ".partial"
            unlink(writePath) // a stale one, or a link planted at its name: never followed
            let fd = createExclusively(writePath)
            guard fd >= 0, let h = fdopen(fd, "wb") else {
                let m = errorText()
                if fd >= 0 { close(fd) }
                unlink(writePath)
                throw fail("cannot open for writing (\(m))")
            }
            handle = h
        case S_IFCHR, S_IFIFO:
            finalPath = nil
            writePath = destination
            guard let h = fopen(destination, "wb") else { throw fail("cannot open for writing (\(errorText()))") }
            handle = h
        case S_IFDIR:
            throw fail("is a directory; refusing to write an image over it")
        default:
            throw fail("is not a regular file, device or FIFO; refusing to write")
        }
    }

    func write(_ bytes: [UInt8]) throws {
        guard let h = handle else { throw OutputError(path: path, message: "already closed") }
        let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, h) }
        if n != bytes.count {
            let m = String(cString: strerror(errno))
            abandon()
            throw OutputError(path: path, message: "write failed (\(m))")
        }
    }

    func commit() throws {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 {
            let m = String(cString: strerror(errno))
            if finalPath != nil { unlink(writePath) }
            throw OutputError(path: path, message: "write failed (\(m))")
        }
        if let finalPath, rename(writePath, finalPath) != 0 {
            let m = String(cString: strerror(errno))
            unlink(writePath)
            throw OutputError(path: path, message: "rename failed (\(m))")
        }
    }

    /// Closes and removes the temporary file without touching `path` (the error paths, which
    /// may end in exit() where deinit never runs).
    func abandon() {
        if let h = handle {
            fclose(h)
            if finalPath != nil { unlink(writePath) }
        }
        handle = nil
    }

    deinit { abandon() }
}

/// A new file, never through a link at its name (O_EXCL | O_NOFOLLOW), mode 0644 before umask.
private func createExclusively(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
}
