#if canImport(Glibc)
import Glibc
#endif
import DuralavaRuntime

/// The real-time loop of a lamp window, shared by `run` and `compare`: keys (quit,
/// fullscreen, pause, reseed, screenshot), model steps at `rate` per second of lamp time,
/// display frames at `fps` with the phase between steps, and a resynchronisation after a long
/// stall (a suspended machine) instead of catching up. Returns on quit or after `duration`
/// seconds (0: until closed).
public enum DisplayLoop {
    public static func run(_ display: LampWindow, rate: Double, fps: Double, duration: Double,
                    advance: () -> Void, render: (Float) -> Void, frame: () -> UnsafeMutableBufferPointer<UInt8>,
                    reseed: () -> Void, screenshot: () -> Void) {
        let stepPeriod = 1 / rate, framePeriod = 1 / fps
        var stepStart = monotonicSeconds()
        let started = stepStart
        var paused = false, pausedAt = 0.0
        var nextFrame = stepStart
        while true {
            switch display.pollKeys() {
            case .quit: return
            case .toggleFullscreen: display.toggleFullscreen()
            case .pause:
                paused.toggle()
                if paused { pausedAt = monotonicSeconds() } else { stepStart += monotonicSeconds() - pausedAt }
            case .reseed: reseed(); stepStart = monotonicSeconds()
            case .screenshot: screenshot()
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
            display.show(frame())
            nextFrame += framePeriod
            let wait = nextFrame - monotonicSeconds()
            if wait > 0 { usleep(UInt32(wait * 1e6)) } else { nextFrame = monotonicSeconds() }
        }
    }
}
