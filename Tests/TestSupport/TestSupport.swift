// Helpers every test target shares: where the package and its built products are, running a
// process (with a hook while it runs), finding a tool, temporary directories, python3 with
// numpy for reference computations, and deterministic random arrays.
import Foundation
import XCTest

/// The package root (tests run from anywhere).
public let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A built product of the same configuration as the tests (`make test` builds them first).
public func productPath(_ name: String) -> String {
    let bundle = Bundle.main.bundleURL.deletingLastPathComponent() // .build/<config>
    let candidates = [bundle.appendingPathComponent(name).path,
                      packageRoot + "/.build/release/" + name, packageRoot + "/.build/debug/" + name]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}

public struct ProcessResult {
    public var status: Int32
    public var reason: Process.TerminationReason
    public var stdout: String
    public var stderr: String
    /// stderr's lines, for one-line-error checks.
    public var errorLines: [Substring] { stderr.split(separator: "\n") }
}

/// Runs a tool to completion. Output goes through files, not pipes, so that a child that is
/// signalled (or chatty) never blocks on a full pipe; `whileRunning` gets the process once it
/// has started (to send it signals).
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       currentDirectory: String? = nil, whileRunning: ((Process) -> Void)? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let dir = temporaryDirectory(prefix: "duralava-process-")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    p.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
    p.standardError = FileHandle(forWritingAtPath: dir + "/err")
    try p.run()
    whileRunning?(p)
    p.waitUntilExit()
    let read = { (name: String) in (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "" }
    return ProcessResult(status: p.terminationStatus, reason: p.terminationReason, stdout: read("out"), stderr: read("err"))
}

/// Path of a tool on PATH, or nil.
public func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A fresh directory under the system's temporary directory.
public func temporaryDirectory(prefix: String = "duralava-test-") -> String {
    let dir = NSTemporaryDirectory() + prefix + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs a python3 script given as text (numpy/safetensors references) and returns its stdout;
/// skips the test when python3 or those modules are missing.
public func python(_ script: String, _ arguments: [String] = [], modules: String = "numpy, safetensors",
                   file: StaticString = #filePath, line: UInt = #line) throws -> String {
    guard let py = which("python3") else { throw XCTSkip("python3 is not installed") }
    let check = try runProcess(py, ["-c", "import " + modules])
    if check.status != 0 { throw XCTSkip("python3 lacks \(modules) (make test-deps installs them)") }
    let r = try runProcess(py, ["-c", script] + arguments)
    XCTAssertEqual(r.status, 0, "python failed: \(r.stderr)", file: file, line: line)
    return r.stdout
}

/// Deterministic test data: a 64-bit LCG giving uniforms in [-1, 1).
public struct TestRandom {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }
}
