// Stall and short-cycle detection on the latent trajectory, independent of the runtime's
// guards (which act on what they detect; this only counts, with its own, more sensitive
// thresholds, so that a lamp kept alive by its guards is still reported as stalling).
//
// Stall: the RMS latent change per step stays below `stallFloor` for `stallSteps` steps.
// Short cycle of period p (2 ≤ p ≤ maxPeriod): the latent returns to within `cycleTolerance`
// (RMS) of where it was p steps earlier, and closer than a quarter of its last step's size —
// a slow but moving lamp is close to its recent past too, but never closer than one step —
// for max(cycleSteps, 2p) consecutive steps. Only the smallest such period counts.

public struct CycleSettings: Equatable {
    public var maxPeriod = 64
    public var stallFloor: Float = 1e-3
    public var stallSteps = 25
    public var cycleTolerance: Float = 1e-2
    public var cycleSteps = 24
    public init() {}
}

public final class CycleDetector {
    public let settings: CycleSettings
    public let dim: Int
    /// Stalls and cycles found (each counted once, when it has lasted long enough).
    public private(set) var stalls = 0
    public private(set) var cycles = 0
    /// Steps spent inside a detected stall or cycle (from the moment it was detected).
    public private(set) var stalledSteps = 0
    public private(set) var cyclingSteps = 0
    /// Periods of the cycles found, with how often each occurred.
    public private(set) var cyclePeriods: [Int: Int] = [:]
    private let ring: UnsafeMutableBufferPointer<Float>
    private var head = 0, filled = 0
    private var stallRun = 0
    private var cyclePeriod = 0, cycleRun = 0

    public init(dim: Int, settings: CycleSettings = CycleSettings()) {
        precondition(dim > 0 && settings.maxPeriod >= 2)
        self.dim = dim; self.settings = settings
        ring = .allocate(capacity: (settings.maxPeriod + 1) * dim)
        ring.initialize(repeating: 0)
    }

    deinit { ring.deallocate() }

    /// Takes the latent after a step.
    public func observe(_ z: UnsafePointer<Float>) {
        let slots = settings.maxPeriod + 1
        let base = ring.baseAddress!
        // Squared RMS distance to the latent p steps back (slot head − p).
        func distance2(_ p: Int) -> Float {
            let h = base + ((head - p + slots) % slots) * dim
            var s: Float = 0
            for i in 0..<dim { let d = z[i] - h[i]; s += d * d }
            return s / Float(dim)
        }
        if filled >= 1 {
            let step2 = distance2(1)
            if step2 < settings.stallFloor * settings.stallFloor {
                stallRun += 1
                if stallRun == settings.stallSteps { stalls += 1 }
                if stallRun >= settings.stallSteps { stalledSteps += 1 }
            } else {
                stallRun = 0
            }
            var period = 0
            if filled >= 2 {
                let tol2 = settings.cycleTolerance * settings.cycleTolerance
                let returned2 = step2 / 16  // (¼ of a step)²
                for p in 2...min(settings.maxPeriod, filled) {
                    let d2 = distance2(p)
                    if d2 < tol2 && d2 < returned2 { period = p; break }
                }
            }
            if period != 0 && period == cyclePeriod {
                cycleRun += 1
            } else {
                cyclePeriod = period
                cycleRun = period == 0 ? 0 : 1
            }
            if period != 0 {
                let needed = max(settings.cycleSteps, 2 * period)
                if cycleRun == needed { cycles += 1; cyclePeriods[period, default: 0] += 1 }
                if cycleRun >= needed { cyclingSteps += 1 }
            }
        }
        (base + head * dim).update(from: z, count: dim)
        head = (head + 1) % slots
        filled = min(filled + 1, settings.maxPeriod)
    }
}
