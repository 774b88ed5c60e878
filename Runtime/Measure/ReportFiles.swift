#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// A problem producing a report; the description names the file.
public struct EvalError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// `mkdir -p`: creates `path` and any missing parents.
public func makeDirectories(_ path: String) throws {
    guard !path.isEmpty else { return }
    var current = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + part
        if isDirectory(current) { continue }
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw EvalError(path: current, message: "cannot create directory (\(String(cString: strerror(errno))))")
        }
        guard isDirectory(current) else { throw EvalError(path: current, message: "exists and is not a directory") }
    }
}

/// Writes a text file (temporary file, then rename).
public func writeTextFile(_ path: String, _ text: String) throws {
    try writeFileAtomically(path, [Array(text.utf8)])
}
