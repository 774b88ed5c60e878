import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// A broken lamp says so while it runs, `info --check` judges a
/// model, and `run` without a display is an error instead of an invisible lamp (docs/reliability.md#the-guard-that-tells).
final class GuardWatchTests: XCTestCase {
    func counters(steps: Int, reseeds: Int = 0, injections: Int = 0) -> GuardCounters {
        var c = GuardCounters()
        c.steps = steps; c.saturatedReseeds = reseeds; c.cycleInjections = injections
        return c
    }

    func testWarnsOnlyAboveOneInAHundredAndNotEveryStep() {
        var w = GuardWatch(window: 1000)
        var rescues = 0, warnings = 0
        // 1 rescue every 100 steps: exactly the limit, never a warning.
        for s in 1...5000 {
            if s % 100 == 0 { rescues += 1 }
            if w.shouldWarn(counters(steps: s, reseeds: rescues)) { warnings += 1 }
        }
        XCTAssertEqual(warnings, 0)
        // Then every step rescued (a broken RNN): a warning soon, then once per window.
        var first: Int?
        for s in 5001...10000 {
            rescues += 1
            if w.shouldWarn(counters(steps: s, reseeds: rescues / 2, injections: rescues - rescues / 2)) {
                warnings += 1
                if first == nil { first = s }
            }
        }
        XCTAssertEqual(first, 5001, "the window held 10 rescues (the limit); the next one crosses it")
        XCTAssertEqual(warnings, 5, "about once per 1,000 steps, not on every step")
        let text = w.warning(model: "m.safetensors", counters: counters(steps: 10000, reseeds: 7, injections: 3))
        XCTAssertTrue(text.contains("m.safetensors") && text.contains("1000 of the last 1000 steps") && text.contains("reseeds 7"), text)
        XCTAssertFalse(text.contains("\n"))
    }
}

final class GuardThatTellsCommandTests: XCTestCase {
    var duralava: String { productPath("duralava") }
    var dir = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: duralava) else { throw XCTSkip("duralava is not built") }
        dir = temporaryDirectory()
        XCTAssertEqual(try runProcess(duralava, ["init-random", "--out", dir + "/m.safetensors", "--size", "16x16", "--seed", "3"]).status, 0)
    }

    /// The 16x16 random model with some tensors rewritten.
    func model(_ name: String, scaling: [String: Float] = [:], setting: [String: Float] = [:],
               metadata: [String: String] = [:]) throws -> String {
        let f = try SafetensorsFile(path: dir + "/m.safetensors")
        var w = SafetensorsWriter()
        w.metadata = f.metadata.merging(metadata) { _, new in new }
        for (n, info) in f.tensors {
            var v = try f.floats(n)
            if let k = scaling.first(where: { n.hasPrefix($0.key) })?.value { v = v.map { $0 * k } }
            if let x = setting[n] { v = v.map { _ in x } }
            w.add(n, shape: info.shape, floats: v)
        }
        try w.write(to: dir + "/" + name)
        return dir + "/" + name
    }

    /// RNN weights ×100: the output saturates, the lamp is reseeded on nearly every step.
    func testBrokenRNNIsNamedWhileRenderingAndByInfoCheck() throws {
        let broken = try model("broken.safetensors", scaling: ["rnn.dense": 100])
        let r = try runProcess(duralava, ["render", "--model", broken, "--steps", "1500", "--discard"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning: \(broken): the lamp is broken") }
        XCTAssertEqual(warnings.count, 1, "one warning for 1,500 steps, while running: \(r.stderr)")
        XCTAssertTrue(warnings.first?.contains("of the last 1000 steps") ?? false)

        let c = try runProcess(duralava, ["info", "--check", "--model", broken])
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        XCTAssertTrue(c.stdout.contains("check: NOT healthy: the guards rescued"), c.stdout)
    }

    func testHealthyModelPassesInfoCheck() throws {
        let c = try runProcess(duralava, ["info", "--check", "--model", dir + "/m.safetensors"])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
        XCTAssertTrue(c.stdout.contains("check: 10000 steps") && c.stdout.contains("check: healthy"), c.stdout)
        let r = try runProcess(duralava, ["render", "--model", dir + "/m.safetensors", "--steps", "1500", "--discard"])
        XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
    }

    /// The random 16x16 lamp changes its frames by about 0.0001 a step. Judged against footage
    /// that changes 0.01 a step, it stands still: the check says so, and the stall guard (its
    /// floor a tenth of the footage's change) acts. Judged against footage as still as itself, it is healthy.
    func testALampStillerThanItsFootageIsNotHealthy() throws {
        let still = try model("still.safetensors", metadata: ["motion.footage_frame_change": "0.01"])
        let c = try runProcess(duralava, ["info", "--check", "--model", still])
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        XCTAssertTrue(c.stdout.contains("check: NOT healthy") && c.stdout.contains("the lamp froze")
                      && c.stdout.contains("the lamp barely moves"), c.stdout)
        XCTAssertTrue(c.stdout.contains("longest frozen run") && c.stdout.contains("of the footage's 0.01"), c.stdout)
        let r = try runProcess(duralava, ["render", "--model", still, "--steps", "1500", "--discard"])
        XCTAssertTrue(r.stderr.contains("warning: \(still): the lamp is broken"), "the stall guard acts and is reported: \(r.stderr)")

        let calm = try model("calm.safetensors", metadata: ["motion.footage_frame_change": "0.0001"])
        let ok = try runProcess(duralava, ["info", "--check", "--model", calm])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("check: healthy"), ok.stdout)

        let bad = try model("bad.safetensors", metadata: ["motion.footage_frame_change": "fast"])
        let e = try runProcess(duralava, ["info", "--model", bad])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains("metadata \"motion.footage_frame_change\" is \"fast\", expected a number"), e.stderr)
    }

    /// A generator whose last bias is -100 paints only black: noticed by render and the check.
    func testAllBlackFramesAreNoticed() throws {
        let f = try SafetensorsFile(path: dir + "/m.safetensors")
        let last = f.tensors.keys.filter { $0.hasPrefix("generator.tconv") && $0.hasSuffix(".bias") }.max()!
        let black = try model("black.safetensors", setting: [last: -100])
        let r = try runProcess(duralava, ["render", "--model", black, "--steps", "20", "--out", dir + "/b.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("frame 0 is all black"), r.stderr)
        XCTAssertTrue(r.stderr.contains("20 all-black and 0 non-finite frames"), r.stderr)
        let c = try runProcess(duralava, ["info", "--check", "--model", black])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.stdout.contains("10000 frames are all black"), c.stdout)
    }

    /// No DISPLAY, no WAYLAND_DISPLAY, no SDL_VIDEODRIVER: SDL used to pick its invisible
    /// offscreen driver and run forever with exit 0.
    func testRunWithoutADisplayIsAnError() throws {
        let started = Date()
        let r = try runProcess("/usr/bin/env", ["-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", "-u", "SDL_VIDEODRIVER",
                                                duralava, "run", "--model", dir + "/m.safetensors", "--duration", "20"])
        XCTAssertEqual(r.reason, .exit)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "fails at once, does not run invisibly")
        let errors = r.stderr.split(separator: "\n").filter { !$0.contains("note:") }
        XCTAssertEqual(errors.count, 1, r.stderr)
        XCTAssertTrue(errors.first?.hasPrefix("duralava: error: cannot open a display") ?? false, r.stderr)
    }

    /// A DISPLAY that is set but cannot be reached is said as such (the reliability issue,
    /// item 8), not as "no DISPLAY or WAYLAND_DISPLAY".
    func testUnreachableDisplayIsNamed() throws {
        let r = try runProcess("/usr/bin/env", ["-u", "WAYLAND_DISPLAY", "-u", "SDL_VIDEODRIVER", "DISPLAY=:98",
                                                duralava, "run", "--model", dir + "/m.safetensors", "--duration", "2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let error = r.stderr.split(separator: "\n").first { $0.hasPrefix("duralava: error:") }.map(String.init) ?? ""
        XCTAssertTrue(error.hasPrefix("duralava: error: cannot open a display"), r.stderr)
        XCTAssertFalse(error.contains("no DISPLAY or WAYLAND_DISPLAY"), error)
        if error.contains("invisible") { XCTAssertTrue(error.contains("DISPLAY=:98 could not be opened"), error) }
    }

    /// Asking for the offscreen driver by name is the user's choice: it runs.
    func testExplicitOffscreenDriverRuns() throws {
        let r = try runProcess("/usr/bin/env", ["-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER=offscreen",
                                                duralava, "run", "--model", dir + "/m.safetensors", "--duration", "1"])
        if r.stderr.contains("not available") { throw XCTSkip("this SDL has no offscreen driver") }
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("steps; guards:"), r.stderr)
    }
}
