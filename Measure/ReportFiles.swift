#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// A problem producing a report; the description names the file.
public struct MeasureError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// Writes a text file (temporary file, then rename).
public func writeTextFile(_ path: String, _ text: String) throws {
    try writeFileAtomically(path, [Array(text.utf8)])
}
