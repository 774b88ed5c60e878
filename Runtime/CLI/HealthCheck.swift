import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Notices frames that show no lamp at all — all black, or computed from non-finite values —
/// which the latent guards cannot see (they judge the latent, not the picture). Warns once
/// on stderr while running and counts the rest for the summary.
struct FrameWatch {
    let model: String
    /// Written before the first warning: "\n" ends render's progress line.
    var linePrefix = ""
    private(set) var blackFrames = 0
    private(set) var nonFiniteFrames = 0
    private var warned = false

    init(model: String, linePrefix: String = "") { self.model = model; self.linePrefix = linePrefix }

    /// What is wrong with the animator's current frame, or nil.
    static func problem(_ animator: LampAnimator) -> String? {
        var finite = true
        for v in animator.frame where !v.isFinite { finite = false; break }
        if !finite { return "holds non-finite values" }
        var brightest: UInt8 = 0
        for v in animator.rgb where v > brightest { brightest = v; break }
        return brightest == 0 ? "is all black" : nil
    }

    mutating func check(_ animator: LampAnimator, index: Int) {
        guard let p = Self.problem(animator) else { return }
        if p.hasPrefix("holds") { nonFiniteFrames += 1 } else { blackFrames += 1 }
        if !warned {
            warned = true
            printError(linePrefix + "duralava: warning: \(model): frame \(index) \(p): the model's generator is broken")
        }
    }

    func summarize() {
        guard blackFrames + nonFiniteFrames > 0 else { return }
        printError("duralava: warning: \(model): \(blackFrames) all-black and \(nonFiniteFrames) non-finite frames")
    }
}

/// `duralava info --check`: runs the lamp headless for `steps` steps, every frame generated,
/// and judges it by the guards: healthy when the loop needed no rescue (reseed or injection)
/// in more than 1 step in 100 of any 1,000-step window, every frame is finite and not all
/// black, and the lamp moves like its footage (`MotionWatch`, where the model records it).
enum HealthCheck {
    static let steps = 10_000

    /// Prints the verdict and its figures; returns true when healthy.
    static func run(model path: String, steps: Int = HealthCheck.steps) -> Bool {
        let lamp: LampModel
        do { lamp = try LampModel(path: path) } catch { Duralava.fail("\(error)") }
        let animator = LampAnimator(model: lamp, seed: 1)
        var watch = GuardWatch()
        var worstWindow = 0, brokenWindows = 0
        var black = 0, nonFinite = 0
        var motion = MotionWatch(config: lamp.config, capacity: steps)
        for _ in 0..<steps {
            animator.advance()
            motion.observe(animator.loop.lastFrameChange)
            if watch.observe(animator.loop.counters) { brokenWindows += 1 }
            worstWindow = Swift.max(worstWindow, watch.rescuesInWindow)
            animator.render(phase: 0)
            switch FrameWatch.problem(animator) {
            case "holds non-finite values"?: nonFinite += 1
            case "is all black"?: black += 1
            default: break
            }
        }
        let c = animator.loop.counters
        let rescues = GuardWatch.rescues(c)
        var problems: [String] = []
        if brokenWindows > 0 {
            problems.append("the guards rescued up to \(worstWindow) of \(watch.window) steps (limit \(watch.limit)): "
                            + "\(c.nonFiniteReseeds) non-finite and \(c.saturatedReseeds) saturated reseeds, "
                            + "\(c.stallInjections) stall and \(c.cycleInjections) cycle injections")
        }
        if nonFinite > 0 { problems.append("\(nonFinite) frames hold non-finite values") }
        if black > 0 { problems.append("\(black) frames are all black") }
        problems += motion.problems
        print("check: \(steps) steps, \(rescues) rescued by a guard (worst \(worstWindow) in \(watch.window) steps), "
              + "\(c.clampedSteps) clamped")
        print("check: " + motion.summary)
        if problems.isEmpty {
            print("check: healthy")
            return true
        }
        print("check: NOT healthy: " + problems.joined(separator: "; "))
        return false
    }
}
