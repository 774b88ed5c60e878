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

/// A file written under a temporary name and renamed into place when complete, so a
/// crash or a full disk never leaves a half-written image where a good one was.
final class OutputFile {
    let path: String
    private let temporaryPath: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        self.temporaryPath = path + ".partial"
        guard let h = fopen(temporaryPath, "wb") else {
            throw OutputError(path: path, message: "cannot open for writing (\(String(cString: strerror(errno))))")
        }
        handle = h
    }

    func write(_ bytes: [UInt8]) throws {
        guard let h = handle else { throw OutputError(path: path, message: "already closed") }
        let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, h) }
        if n != bytes.count {
            throw OutputError(path: path, message: "write failed (\(String(cString: strerror(errno))))")
        }
    }

    func commit() throws {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 {
            unlink(temporaryPath)
            throw OutputError(path: path, message: "close failed (\(String(cString: strerror(errno))))")
        }
        if rename(temporaryPath, path) != 0 {
            unlink(temporaryPath)
            throw OutputError(path: path, message: "rename failed (\(String(cString: strerror(errno))))")
        }
    }

    /// Closes and removes the temporary file without touching `path` (the error paths, which
    /// may end in exit() where deinit never runs).
    func abandon() {
        if let h = handle { fclose(h); unlink(temporaryPath) }
        handle = nil
    }

    deinit {
        if let h = handle { fclose(h); unlink(temporaryPath) }
    }
}
