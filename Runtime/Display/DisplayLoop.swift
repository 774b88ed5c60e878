#if canImport(Glibc)
import Glibc
#endif
import DuralavaRuntime

/// The real-time loop of a lamp window, shared by `run` and `compare` and the board build:
/// keys (quit, fullscreen, pause, reseed, screenshot, speed + / −, palette c, brightness [ / ]),
/// model steps at `rate` × speed per second of lamp time, display frames at `fps` with the phase
/// between steps, the controls' colours, brightness and night schedule applied to each shown
/// frame with a short note when a setting changes, and a resynchronisation after a long stall
/// (a suspended machine) instead of catching up. Returns on quit or after `duration` seconds
/// (0: until closed). Allocates nothing per frame.
public enum DisplayLoop {
    public static func run(_ display: LampWindow, rate: Double, fps: Double, duration: Double,
                           width: Int, height: Int, controls initial: LampControls = LampControls(),
                           advance: () -> Void, render: (Float) -> Void, frame: () -> UnsafeMutableBufferPointer<UInt8>,
                           reseed: () -> Void, screenshot: () -> Void) {
        var controls = initial
        var note = OnScreenNote()
        let shown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: width * height * 3)
        defer { shown.deallocate() }
        var matrix = controls.colourMatrix(brightness: controls.effectiveBrightness(minutes: LampControls.localMinutes()))
        var matrixAt = monotonicSeconds()
        var stepPeriod = 1 / (rate * controls.speed)
        let framePeriod = 1 / fps
        var stepStart = monotonicSeconds()
        let started = stepStart
        var paused = false, pausedAt = 0.0
        var nextFrame = stepStart
        while true {
            let key = display.pollKeys()
            switch key {
            case .quit: return
            case .toggleFullscreen: display.toggleFullscreen()
            case .pause:
                paused.toggle()
                if paused { pausedAt = monotonicSeconds() } else { stepStart += monotonicSeconds() - pausedAt }
            case .reseed: reseed(); stepStart = monotonicSeconds()
            case .screenshot: screenshot()
            case .faster, .slower, .nextPalette, .brighter, .dimmer:
                if let text = controls.change(key) { note.show(text, now: monotonicSeconds()) }
                stepPeriod = 1 / (rate * controls.speed)
                matrixAt = 0
            case .none: break
            }
            let now = monotonicSeconds()
            if duration > 0 && now - started >= duration { return }
            if !paused {
                while now - stepStart >= stepPeriod {
                    advance()
                    stepStart += stepPeriod
                    if now - stepStart > 10 * stepPeriod { stepStart = now }
                }
                render(Float((now - stepStart) / stepPeriod))
            }
            // The colours of this moment: recomputed after a change and once a minute (night).
            let t = monotonicSeconds()
            if t - matrixAt > 60 {
                matrix = controls.colourMatrix(brightness: controls.effectiveBrightness(minutes: LampControls.localMinutes()))
                matrixAt = t
            }
            LampControls.apply(matrix, frame(), into: shown)
            if note.isVisible(now: t) { note.draw(into: shown, width: width, height: height) }
            display.show(shown)
            nextFrame += framePeriod
            let wait = nextFrame - monotonicSeconds()
            if wait > 0 { usleep(UInt32(wait * 1e6)) } else { nextFrame = monotonicSeconds() }
        }
    }
}
