import ArgumentParser
import CSDL2
import DuralavaRuntime
import LampOutput
#if canImport(Glibc)
import Glibc
#endif

/// `duralava run`: the lamp in an SDL2 window, fullscreen by default.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the lamp in a window (fullscreen by default). Keys: Esc/q quit, f fullscreen, space pause, s screenshot, r reseed.",
        discussion: """
            On a board's console without X, run with SDL_VIDEODRIVER=kmsdrm (see firmware-notes/). \
            Without any display, use `duralava render`.
            """)

    @OptionGroup var lamp: LampOptions

    @Flag(name: .long, help: "Open a window instead of going fullscreen.")
    var windowed = false

    @Option(name: .long, help: "Display frames per second (between-step frames are generated at this rate).")
    var fps: Double = 30

    @Option(name: .long, help: "Quit after this many seconds (0: run until closed).")
    var duration: Double = 0

    @Option(name: .long, help: "Directory for screenshots (the s key).")
    var screenshots: String = "."

    func validate() throws {
        try OptionRange.check("fps", fps, 1...240, "display frames per second; no monitor shows more than 240")
        try OptionRange.check("duration", duration, 0...1e9, "seconds before quitting (0: until closed); 10^9 s is 30 years")
    }

    func run() throws {
        let animator = lamp.loadAnimator()
        let modelPath = ModelLookup.resolve(explicit: lamp.model)
        var watch = GuardWatch()
        var frameWatch = FrameWatch(model: modelPath)
        let display = LampWindow.open(windowed: windowed, frameWidth: animator.width, frameHeight: animator.height)
        defer { display.close() }

        var shots = 0
        DisplayLoop.run(display, rate: lamp.rate, fps: fps, duration: duration, advance: {
            animator.advance()
            if watch.shouldWarn(animator.loop.counters) {
                fputs(watch.warning(model: modelPath, counters: animator.loop.counters) + "\n", stderr)
            }
        }, render: { phase in
            animator.render(phase: phase)
            frameWatch.check(animator, index: animator.stepCount)
        }, frame: { animator.rgb }, reseed: { animator.reseed() }, screenshot: {
            shots += 1
            let path = screenshots + "/duralava-\(time(nil))-\(shots).png"
            do {
                try writePNG(path: path, width: animator.width, height: animator.height, rgb: Array(animator.rgb))
                fputs("duralava: screenshot \(path)\n", stderr)
            } catch { fputs("duralava: screenshot failed: \(error)\n", stderr) }
        })
        reportGuards(animator)
    }

    private func reportGuards(_ animator: LampAnimator) {
        fputs("duralava: \(animator.stepCount) steps; guards: \(animator.loop.counters)\n", stderr)
    }
}
