#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line on stderr: every command's notes, warnings, progress and errors go through here (one
/// place that touches the C global `stderr`).
public func printError(_ line: String, terminator: String = "\n") {
    fputs(line + terminator, stderr)
}

/// "PROGRAM: error: MESSAGE" on stderr and exit status 1 — a one-line error, never a trap.
public func exitWithError(_ program: String, _ message: String) -> Never {
    printError("\(program): error: \(message)")
    exit(1)
}
