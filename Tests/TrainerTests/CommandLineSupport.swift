import Foundation
import XCTest

/// The package's built executables, for end-to-end tests of `duralava-train` (`make test`
/// builds them before the tests run).
func builtProduct(_ name: String) -> String {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
    let candidates = [bundle.appendingPathComponent(name).path,
                      root.path + "/.build/release/" + name, root.path + "/.build/debug/" + name]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}

struct ToolResult {
    var status: Int32
    var reason: Process.TerminationReason
    var stdout: String
    var stderr: String
    /// stderr's lines, for one-line-error checks.
    var errorLines: [Substring] { stderr.split(separator: "\n") }
}

/// Runs a tool to completion; `whileRunning` gets the process once it has started (to send
/// it signals).
@discardableResult
func runTool(_ executable: String, _ arguments: [String], currentDirectory: String? = nil,
             whileRunning: ((Process) -> Void)? = nil) throws -> ToolResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    // Files, not pipes: a signalled child must not block on a full pipe while the test waits.
    let dir = NSTemporaryDirectory() + "duralava-tool-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    p.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
    p.standardError = FileHandle(forWritingAtPath: dir + "/err")
    try p.run()
    whileRunning?(p)
    p.waitUntilExit()
    let read = { (name: String) in (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "" }
    return ToolResult(status: p.terminationStatus, reason: p.terminationReason, stdout: read("out"), stderr: read("err"))
}

func temporaryRunParent() -> String {
    let dir = NSTemporaryDirectory() + "duralava-cli-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
