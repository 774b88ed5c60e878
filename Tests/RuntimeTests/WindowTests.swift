import Foundation
import TestSupport
import XCTest

/// `duralava run --windowed` under Xvfb shows a non-black lamp: the screen is grabbed with
/// ffmpeg's x11grab while the lamp runs.
final class WindowTests: XCTestCase {
    func testWindowShowsANonBlackLamp() throws {
        let duralava = productPath("duralava")
        guard FileManager.default.isExecutableFile(atPath: duralava) else { throw XCTSkip("duralava is not built") }
        let dir = temporaryDirectory()
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", dir + "/m.safetensors"]).status, 0)
        let screen = try litPixelsOfLampWindow(duralava, ["run", "--windowed", "--model", dir + "/m.safetensors", "--duration", "6"], dir: dir)
        XCTAssertEqual(screen.status, 0, screen.stderr)
        XCTAssertGreaterThan(screen.lit, screen.total / 10, "at least a tenth of the screen shows the lamp")
        print("screenshot: \(dir)/screen.png")
    }
}

/// Runs a lamp window on a fresh Xvfb screen (640×480), grabs the screen with ffmpeg's
/// x11grab after `wait` seconds, and returns how many pixels are lit (sum of RGB > 60) with the
/// lamp's exit status and stderr; keeps the screenshot as `dir`/screen.png.
func litPixelsOfLampWindow(_ executable: String, _ arguments: [String], dir: String, wait: TimeInterval = 3,
                           display number: Int = 90) throws -> (lit: Int, total: Int, status: Int32, stderr: String) {
    guard let xvfb = which("Xvfb"), let ffmpeg = which("ffmpeg") else {
        throw XCTSkip("Xvfb or ffmpeg is not installed (make test-deps installs them)")
    }
    let display = ":\(number + Int(getpid() % 400))"
    let server = Process()
    server.executableURL = URL(fileURLWithPath: xvfb)
    server.arguments = [display, "-screen", "0", "640x480x24", "-nolisten", "tcp"]
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer { server.terminate(); server.waitUntilExit() }
    Thread.sleep(forTimeInterval: 1.5)

    let lamp = Process()
    lamp.executableURL = URL(fileURLWithPath: executable)
    lamp.arguments = arguments
    lamp.environment = ProcessInfo.processInfo.environment.merging(["DISPLAY": display, "SDL_VIDEODRIVER": "x11"]) { $1 }
    let lampErr = Pipe()
    lamp.standardError = lampErr
    try lamp.run()
    Thread.sleep(forTimeInterval: wait)
    let shot = dir + "/screen.rgb"
    let grab = try runProcess(ffmpeg, ["-v", "error", "-f", "x11grab", "-video_size", "640x480", "-i", display,
                                       "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", shot])
    lamp.waitUntilExit()
    let err = String(decoding: lampErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    XCTAssertEqual(grab.status, 0, grab.stderr)
    let pixels = Array(try Data(contentsOf: URL(fileURLWithPath: shot)))
    XCTAssertEqual(pixels.count, 640 * 480 * 3)
    var lit = 0
    for p in stride(from: 0, to: pixels.count, by: 3) {
        let sum = Int(pixels[p]) + Int(pixels[p + 1]) + Int(pixels[p + 2])
        if sum > 60 { lit += 1 }
    }
    _ = try? runProcess(ffmpeg, ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", "640x480",
                                 "-i", shot, dir + "/screen.png"])
    return (lit, 640 * 480, lamp.terminationStatus, err)
}
