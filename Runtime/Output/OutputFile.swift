#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// An error writing an image file; the description names the file.
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// An image file written under a temporary name (`path.duralava-PID.partial`) and renamed into
/// place when complete, so a crash or a full disk never leaves a half-written image where a good
/// one was. What is already at `path` decides, by the runtime's `OutputTarget` rule
/// (docs/reliability.md#outputs): a
/// regular file is replaced, a device or FIFO written through, a symlink followed and kept,
/// anything else refused. The temporary file is removed on every error path.
final class OutputFile {
    let path: String
    private let target: OutputTarget
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws(OutputError) {
        self.path = path
        do throws(FileError) {
            target = try OutputTarget.resolve(path)
            handle = try target.open()
        } catch {
            throw OutputError(path: error.path, message: error.message)
        }
    }

    func write(_ bytes: [UInt8]) throws(OutputError) {
        guard let h = handle else { throw OutputError(path: path, message: "already closed") }
        let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, h) }
        if n != bytes.count {
            let m = errnoText()
            abandon()
            throw OutputError(path: path, message: "write failed (\(m))")
        }
    }

    func commit() throws(OutputError) {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 {
            let m = errnoText()
            target.discard()
            throw OutputError(path: path, message: "write failed (\(m))")
        }
        do throws(FileError) { try target.commit() } catch {
            throw OutputError(path: path, message: error.message)
        }
    }

    /// Closes and removes the temporary file without touching `path` (the error paths, which
    /// may end in exit() where deinit never runs).
    func abandon() {
        if let h = handle {
            fclose(h)
            target.discard()
        }
        handle = nil
    }

    deinit { abandon() }
}
