/// Settings of the guards that keep an endless lamp alive (docs/design.md#the-latent-loop-and-its-guards).
public struct GuardSettings {
    /// Latent values beyond ±clampLimit after renormalization are clamped (outliers).
    public var clampLimit: Float = 4.5
    /// An RNN output with any |value| above this is saturated: the lamp is reseeded smoothly.
    public var saturationLimit: Float = 1e4
    /// RMS latent change per step below which a step counts as stalled.
    public var stallFloor: Float = 1e-3
    /// Mean absolute frame change (0–1 scale) below which a rendered step counts as stalled.
    public var frameStallFloor: Float = 1e-4
    /// Consecutive stalled steps before noise is injected.
    public var stallSteps: Int = 50
    /// Longest cycle period looked for (period 1 is a stall).
    public var cycleMaxPeriod: Int = 16
    /// RMS distance to the latent `p` steps back under which the lamp is repeating itself.
    public var cycleTolerance: Float = 1e-3
    /// Consecutive repeating steps before noise is injected.
    public var cycleSteps: Int = 48
    /// Size of the noise injected to break a stall or a cycle (relative to unit std).
    public var injectionScale: Float = 0.35
    /// Weight of fresh noise when reseeding after a non-finite or saturated step.
    public var reseedFreshWeight: Float = 0.6

    public init() {}

    /// The guards for a model that records its footage's median frame change: a rendered step
    /// counts as stalled below a tenth of it — the report card's "frozen" — so that a lamp
    /// that stands still where its footage moves is woken (docs/reliability.md#the-guard-that-tells).
    public init(footageFrameChange: Float?) {
        self.init()
        if let m = footageFrameChange { frameStallFloor = max(frameStallFloor, m / 10) }
    }
}

/// How often each guard acted.
public struct GuardCounters: Equatable, CustomStringConvertible {
    public var steps = 0
    public var renormalizations = 0
    public var clampedSteps = 0
    public var clampedValues = 0
    public var nonFiniteReseeds = 0
    public var saturatedReseeds = 0
    public var stallInjections = 0
    public var cycleInjections = 0
    public init() {}

    /// Interventions beyond plain renormalization.
    public var interventions: Int {
        clampedSteps + nonFiniteReseeds + saturatedReseeds + stallInjections + cycleInjections
    }

    public var description: String {
        "steps \(steps), renormalized \(renormalizations), clamped \(clampedValues) values in \(clampedSteps) steps, "
            + "non-finite reseeds \(nonFiniteReseeds), saturated reseeds \(saturatedReseeds), "
            + "stall injections \(stallInjections), cycle injections \(cycleInjections)"
    }
}

/// The endless loop z ← renormalize(RNN(z)) with its guards. Buffers are allocated once;
/// a step allocates nothing.
public final class LatentLoop {
    public let rnn: LatentRNN
    public var settings: GuardSettings
    public private(set) var counters = GuardCounters()
    /// RMS change of the latent in the last step.
    public private(set) var lastChange: Float = 0
    private var random: RandomSource
    private let dim: Int
    private let z: UnsafeMutableBufferPointer<Float>
    private let next: UnsafeMutableBufferPointer<Float>
    private var noise: CorrelatedNoise
    private let raw: UnsafeMutableBufferPointer<Float>
    /// Ring of the last `historyFilled` latents for cycle detection; `historyHead` is the next slot.
    private let history: UnsafeMutableBufferPointer<Float>
    private var historyHead = 0
    private var historyFilled = 0
    private var stalledRun = 0
    /// The last rendered step's frame change (mean absolute difference, 0–1), as fed back.
    public private(set) var lastFrameChange: Float = 0
    private var frameStalledRun = 0
    private var cycleRun = 0

    /// Latents a reseed starts from (encoded real frames, from the model file); empty: fresh N(0,1).
    public let startLatents: [Float]

    public init(rnn: LatentRNN, seed: UInt64, settings: GuardSettings = GuardSettings(), startLatents: [Float] = []) {
        precondition(startLatents.count % rnn.latentDim == 0, "startLatents must hold whole latents")
        self.rnn = rnn
        self.startLatents = startLatents
        self.settings = settings
        dim = rnn.latentDim
        random = RandomSource(seed: seed)
        z = .allocate(capacity: dim); z.initialize(repeating: 0)
        next = .allocate(capacity: dim); next.initialize(repeating: 0)
        noise = CorrelatedNoise(count: rnn.noiseDim, correlation: rnn.noiseCorrelation)
        raw = .allocate(capacity: dim); raw.initialize(repeating: 0)
        history = .allocate(capacity: Swift.max(settings.cycleMaxPeriod, 1) * dim)
        history.initialize(repeating: 0)
        reseed()
    }

    deinit { z.deallocate(); next.deallocate(); raw.deallocate(); history.deallocate() }

    /// The current latent (valid until the next step).
    public var latent: UnsafeBufferPointer<Float> { UnsafeBufferPointer(z) }
    public var latentArray: [Float] { Array(z) }
    /// The RNN's output of the last step before renormalization (what the guards judge, and
    /// what the report card's endurance moments measure).
    public var rawOutput: UnsafeBufferPointer<Float> { UnsafeBufferPointer(raw) }

    /// A fresh start (the 'r' key): one of the model's start latents chosen at random, or a
    /// fresh N(0,1) latent when the model has none.
    public func reseed() {
        if startLatents.isEmpty {
            random.fillGaussian(z)
        } else {
            let k = random.below(startLatents.count / dim)
            for i in 0..<dim { z[i] = startLatents[k * dim + i] }
        }
        renormalize(z.baseAddress!, count: dim)
        historyFilled = 0; stalledRun = 0; cycleRun = 0; frameStalledRun = 0
        noise.restart()
    }

    /// Starts from a given latent (renormalized).
    public func reset(to latent: [Float]) {
        precondition(latent.count == dim)
        for i in 0..<dim { z[i] = latent[i] }
        if !renormalize(z.baseAddress!, count: dim) { random.fillGaussian(z) }
        historyFilled = 0; stalledRun = 0; cycleRun = 0; frameStalledRun = 0
        noise.restart()
    }

    public func step() {
        counters.steps += 1
        noise.advance(&random)
        rnn.step(UnsafePointer(z.baseAddress!), noise: noise.values, into: next.baseAddress!)
        _ = raw.baseAddress!.update(from: next.baseAddress!, count: dim)

        var finite = true, saturated = false
        for i in 0..<dim {
            let v = next[i]
            if !v.isFinite { finite = false; break }
            if abs(v) > settings.saturationLimit { saturated = true }
        }
        if !finite || saturated || !renormalize(next.baseAddress!, count: dim) {
            // Saturated also covers an output collapsed to a constant vector (renormalize fails).
            if finite { counters.saturatedReseeds += 1 } else { counters.nonFiniteReseeds += 1 }
            blendTowardsFreshNoise(weight: settings.reseedFreshWeight)
        } else {
            counters.renormalizations += 1
        }

        var clamped = 0
        for i in 0..<dim where abs(next[i]) > settings.clampLimit {
            next[i] = next[i] > 0 ? settings.clampLimit : -settings.clampLimit
            clamped += 1
        }
        if clamped > 0 { counters.clampedSteps += 1; counters.clampedValues += clamped }

        var change: Float = 0
        for i in 0..<dim { let d = next[i] - z[i]; change += d * d }
        lastChange = (change / Float(dim)).squareRoot()
        _ = z.baseAddress!.update(from: next.baseAddress!, count: dim)

        stalledRun = lastChange < settings.stallFloor ? stalledRun + 1 : 0
        if stalledRun >= settings.stallSteps {
            counters.stallInjections += 1
            inject()
            return
        }
        // A stall also repeats with every period; it is handled above, not counted as a cycle.
        if stalledRun == 0 && detectsCycle() {
            cycleRun += 1
            if cycleRun >= settings.cycleSteps {
                counters.cycleInjections += 1
                inject()
                return
            }
        } else {
            cycleRun = 0
        }
        remember()
    }

    /// Feeds back how much the rendered frame changed (mean absolute difference, 0–1 scale),
    /// so a lamp whose picture stands still is woken even if its latent drifts invisibly.
    public func observeFrameChange(_ meanAbsoluteChange: Float) {
        lastFrameChange = meanAbsoluteChange
        frameStalledRun = meanAbsoluteChange < settings.frameStallFloor ? frameStalledRun + 1 : 0
        if frameStalledRun >= settings.stallSteps {
            counters.stallInjections += 1
            inject()
        }
    }

    /// Small noise, then renormalization: enough to leave a fixed point or a cycle, small
    /// enough that the picture does not jump.
    private func inject() {
        for i in 0..<dim { z[i] += settings.injectionScale * random.gaussian() }
        renormalize(z.baseAddress!, count: dim)
        historyFilled = 0; stalledRun = 0; cycleRun = 0; frameStalledRun = 0
    }

    /// Replaces the broken output by a mix of the last good latent and fresh noise.
    private func blendTowardsFreshNoise(weight: Float) {
        let keep = (1 - weight * weight).squareRoot()
        for i in 0..<dim { next[i] = keep * z[i] + weight * random.gaussian() }
        if !renormalize(next.baseAddress!, count: dim) {
            random.fillGaussian(next)
            renormalize(next.baseAddress!, count: dim)
        }
    }

    private func detectsCycle() -> Bool {
        let period = Swift.max(settings.cycleMaxPeriod, 1)
        guard period >= 2 else { return false }
        let tol = settings.cycleTolerance * settings.cycleTolerance * Float(dim)
        // The newest stored latent (one step back) is at historyHead − 1; p steps back at head − p.
        for p in 2...period where p <= historyFilled {
            let slot = (historyHead - p + period) % period
            let h = history.baseAddress! + slot * dim
            var d: Float = 0
            for i in 0..<dim { let e = z[i] - h[i]; d += e * e }
            if d < tol { return true }
        }
        return false
    }

    private func remember() {
        let period = Swift.max(settings.cycleMaxPeriod, 1)
        (history.baseAddress! + historyHead * dim).update(from: z.baseAddress!, count: dim)
        historyHead = (historyHead + 1) % period
        historyFilled = Swift.min(historyFilled + 1, period)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The guard that tells (docs/reliability.md#the-guard-that-tells): counts reseeds and injections over the last `window`
/// steps, so a lamp that only keeps moving because the guards keep rescuing it is named
/// while it runs instead of only in the counters line at exit. Fixed storage; a step
/// allocates nothing.
public struct GuardWatch {
    /// Steps looked back over.
    public let window: Int
    /// Rescues (reseeds + injections) in the window above which the lamp is called broken:
    /// more than 1 step in 100 by default.
    public let limit: Int
    private var ring: [UInt8]
    private var head = 0
    private var filled = 0
    public private(set) var rescuesInWindow = 0
    private var lastSeen = 0
    private var lastWarnedAt = -1

    public init(window: Int = 1000, limit: Int? = nil) {
        precondition(window >= 100, "a window shorter than 100 steps cannot tell 1 in 100")
        self.window = window
        self.limit = limit ?? window / 100
        ring = [UInt8](repeating: 0, count: window)
    }

    /// Reseeds of either kind plus stall and cycle injections: the steps where the loop did
    /// not follow the model.
    public static func rescues(_ c: GuardCounters) -> Int {
        c.nonFiniteReseeds + c.saturatedReseeds + c.stallInjections + c.cycleInjections
    }

    /// Records the loop's counters after one step; returns true when the rescues in the
    /// window exceed the limit (once the window is full).
    public mutating func observe(_ c: GuardCounters) -> Bool {
        let total = Self.rescues(c)
        let new = UInt8(Swift.min(Swift.max(total - lastSeen, 0), 255))
        lastSeen = total
        rescuesInWindow += Int(new) - Int(ring[head])
        ring[head] = new
        head = (head + 1) % window
        filled = Swift.min(filled + 1, window)
        return filled == window && rescuesInWindow > limit
    }

    /// True when a warning is due at `step`: the lamp is broken and the last warning is at
    /// least one window old, so a long run says so periodically without flooding stderr.
    public mutating func shouldWarn(_ c: GuardCounters) -> Bool {
        guard observe(c) else { return false }
        if lastWarnedAt >= 0 && c.steps - lastWarnedAt < window { return false }
        lastWarnedAt = c.steps
        return true
    }

    /// The one-line warning: the model, the counter, what it means.
    public func warning(model: String, counters c: GuardCounters) -> String {
        "duralava: warning: \(model): the lamp is broken: the guards rescued \(rescuesInWindow) of the last \(window) steps "
            + "(limit \(limit)); reseeds \(c.nonFiniteReseeds + c.saturatedReseeds), injections "
            + "\(c.stallInjections + c.cycleInjections) in \(c.steps) steps; check it with `duralava info --check --model \(model)`"
    }
}
