#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPosix

// The checks every command makes on its paths before any work (docs/reliability.md,
// "Outputs"): a path is never empty, an output is never one of the command's own inputs, a
// trained model is only replaced with --force, and an output that cannot be written is said
// before a long computation, not after it. One rule for every CLI (desktop, board, trainer,
// converter).

/// The error text of an empty path: "" is not the current directory, and a write to it used
/// to end up in the filesystem root.
public let emptyPathMessage = "an empty path; give a file or directory name (. is the current directory)"

/// A file as the kernel knows it: the same device and inode are the same file, whatever the
/// path (symlinks, ./x, a/../x, hard links).
public struct FileIdentity: Equatable {
    public let device: UInt64
    public let inode: UInt64

    /// The identity of what `path` names, following links; nil when nothing is there.
    public init?(_ path: String) {
        guard !path.isEmpty else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}

public enum OutputCheck {
    /// nil, or the one-line problem of `--option` given the empty string.
    public static func emptyPathProblem(option: String, _ value: String?) -> String? {
        guard let value, value.isEmpty else { return nil }
        return "--\(option) \"\": \(emptyPathMessage)"
    }

    /// The first problem among path options (name without dashes, value), or nil.
    public static func emptyPathProblem(_ options: [(String, String?)]) -> String? {
        for (name, value) in options {
            if let problem = emptyPathProblem(option: name, value) { return problem }
        }
        return nil
    }

    /// Whether `path` holds a model someone trained: a safetensors file whose metadata does not
    /// say `"trained": "false"` (a checkpoint, a float or int8 lamp). Only the header is read.
    public static func isTrainedModel(_ path: String) -> Bool {
        guard let f = fopen(path, "rb") else { return false }
        defer { fclose(f) }
        var st = stat()
        guard fstat(fileno(f), &st) == 0, dl_file_kind(st.st_mode) == DL_FILE_REGULAR else { return false }
        var length = [UInt8](repeating: 0, count: 8)
        guard fread(&length, 1, 8, f) == 8 else { return false }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(length[i]) << (8 * UInt64(i)) }
        guard n >= 2, n <= UInt64(SafetensorsFile.maxHeaderLength), n + 8 <= UInt64(st.st_size) else { return false }
        var header = [UInt8](repeating: 0, count: Int(n))
        guard fread(&header, 1, Int(n), f) == Int(n) else { return false }
        let parsed: JSONValue
        do throws(JSONError) {
            parsed = try header.withUnsafeBufferPointer { (b) throws(JSONError) -> JSONValue in try JSONParser.parse(b) }
        } catch { return false }
        guard case .object(let members) = parsed else { return false }
        for (key, value) in members where key == "__metadata__" {
            guard case .object(let metadata) = value else { return true }
            for (k, v) in metadata where k == ModelSchema.Key.trained { return v.stringValue != "false" }
        }
        return true
    }

    /// Before any work, for an output FILE at `path` (`--option`): not empty; not the same file
    /// as any of `inputs` (option name, path); not a trained model unless `force`; and
    /// writable by the OutputTarget rule (a regular file or nothing in an existing directory, a
    /// device or FIFO, a link to one of those).
    public static func outputFile(_ path: String, option: String = "out", inputs: [(String, String)] = [],
                                  force: Bool = false) throws(FileError) {
        if let problem = emptyPathProblem(option: option, path) { throw FileError(path: "--\(option)", message: problem) }
        if let out = FileIdentity(path) {
            for (name, input) in inputs where FileIdentity(input) == out {
                throw FileError(path: path, message: "is the --\(name) input (\(input)) itself; writing --\(option) there would destroy "
                                + "it. Choose another --\(option)")
            }
        }
        let target = try OutputTarget.resolve(path)
        guard case .replace(let final, let temporary) = target else { return }
        if !force && isTrainedModel(final) {
            throw FileError(path: path, message: "holds a trained model; pass --force to replace it, or choose another --\(option)")
        }
        let folder = directoryPart(of: temporary)
        guard isDirectory(folder) else { throw FileError(path: path, message: "its directory \(folder) does not exist") }
        guard access(folder, W_OK) == 0 else { throw FileError(path: path, message: "cannot write in \(folder) (\(errnoText()))") }
    }

    /// Before any work, for an output DIRECTORY: not empty, and not something else already.
    public static func outputDirectory(_ path: String, option: String = "out") throws(FileError) {
        if let problem = emptyPathProblem(option: option, path) { throw FileError(path: "--\(option)", message: problem) }
        if fileExists(path) && !isDirectory(path) {
            throw FileError(path: path, message: "exists and is not a directory (--\(option) names a directory)")
        }
    }

    /// "dir" of "dir/name", "." of "name", "/" of "/name".
    public static func directoryPart(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// "name" of "dir/name".
    public static func namePart(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// Removes the temporaries duralava's writers left in `directory` when they were killed where
/// no handler runs (kill -9, power loss): only names `NAME.duralava-PID.partial` whose PID
/// belongs to no running process — never another program's `.partial` or `.tmp` files, never
/// a live writer's. `only`: just those of one output name. Returns the names removed.
public func sweepStaleTemporaries(in directory: String, only: String? = nil) -> [String] {
    var buffer = [CChar](repeating: 0, count: 16_384)
    let count: Int32
    if let only {
        count = dl_sweep_temporaries(directory, only, &buffer, UInt(buffer.count))
    } else {
        count = dl_sweep_temporaries(directory, nil, &buffer, UInt(buffer.count))
    }
    guard count > 0 else { return [] }
    let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return text.split(separator: "\n").map { String($0) }.sorted()
}

/// The same for the temporaries of one output file.
public func sweepStaleTemporaries(of path: String) -> [String] {
    sweepStaleTemporaries(in: OutputCheck.directoryPart(of: path), only: OutputCheck.namePart(of: path))
}

/// Commands that die of SIGINT, SIGTERM or SIGHUP (render, quantize, ...) call this first: the
/// temporary file being written is removed, then the process dies of the signal (exit status
/// 128 + signal in a shell).
public func removeTemporariesOnSignals() {
    dl_remove_temporaries_on_signals()
}
