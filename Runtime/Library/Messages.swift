#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line on stderr: every command's notes, warnings, progress and errors go through here. One
/// write(2) to file descriptor 2 per call — no C `FILE *stderr` global, which Swift 6's data-race
/// checking rightly refuses to share across threads, and no interleaving within a line.
public func printError(_ line: String, terminator: String = "\n") {
    var text = line + terminator
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }
}

/// "PROGRAM: error: MESSAGE" on stderr and exit status 1 — a one-line error, never a trap.
public func exitWithError(_ program: String, _ message: String) -> Never {
    printError("\(program): error: \(message)")
    exit(1)
}
