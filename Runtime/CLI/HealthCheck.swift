import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Notices frames that show no lamp at all — all black, or computed from non-finite values —
/// which the latent guards cannot see (they judge the latent, not the picture). Warns once
/// on stderr while running and counts the rest for the summary.
struct FrameWatch {
    let model: String
    private(set) var blackFrames = 0
    private(set) var nonFiniteFrames = 0
    private var warned = false

    init(model: String) { self.model = model }

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
            fputs("\nduralava: warning: \(model): frame \(index) \(p): the model's generator is broken\n", stderr)
        }
    }

    func summarize() {
        guard blackFrames + nonFiniteFrames > 0 else { return }
        fputs("duralava: warning: \(model): \(blackFrames) all-black and \(nonFiniteFrames) non-finite frames\n", stderr)
    }
}
