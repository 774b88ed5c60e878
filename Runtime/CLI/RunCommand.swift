import ArgumentParser
import CLIOptions
import CSDL2
import DuralavaRuntime
import LampDisplay
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

    @OptionGroup var window: WindowOptions

    @Option(name: .long, help: "Directory for screenshots (the s key).")
    var screenshots: String = "."

    func validate() throws {
        try PathOptions.check([("screenshots", screenshots)])
    }

    func run() throws {
        // The next model step is computed on a worker thread while this one is shown.
        let animator = lamp.loadAnimator(threaded: true)
        let modelPath = ModelLookup.resolve(explicit: lamp.model)
        var watch = GuardWatch()
        var frameWatch = FrameWatch(model: modelPath)
        let display = window.open(frameWidth: animator.width, frameHeight: animator.height)
        defer { display.close() }

        var shots = 0
        DisplayLoop.run(display, rate: lamp.rate, fps: window.fps, duration: window.duration,
                        width: animator.width, height: animator.height, controls: window.controls, advance: {
            animator.advance()
            if watch.shouldWarn(animator.counters) {
                printError(watch.warning(model: modelPath, counters: animator.counters))
            }
        }, render: { phase in
            animator.render(phase: phase)
            frameWatch.check(animator, index: animator.stepCount)
        }, frame: { animator.rgb }, reseed: { animator.reseed() }, screenshot: {
            shots += 1
            let path = screenshots + "/duralava-\(time(nil))-\(shots).png"
            do {
                try writePNG(path: path, width: animator.width, height: animator.height, rgb: Array(animator.rgb))
                printError("duralava: screenshot \(path)")
            } catch { printError("duralava: screenshot failed: \(error)") }
        })
        reportGuards(animator)
    }

    private func reportGuards(_ animator: LampAnimator) {
        printError("duralava: \(animator.stepCount) steps; guards: \(animator.counters)")
    }
}
