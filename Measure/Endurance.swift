// Endurance: the runtime's latent loop run for many steps (10^6 by default, every one of
// them), cut into windows. Per window: the raw RNN output's moments (the figure the lamp's
// health depends on — the renormalized latent is 0/1 by construction), per-component
// statistics of the renormalized latent over time, the RMS latent change per step, stalls and
// short cycles (CycleDetector), and how often each guard acted. The last
// `renderedFrames` steps of each window are rendered through the generator and handed to
// `analyse`, which measures realism and motion on them.

import DuralavaRuntime

public struct EnduranceSettings: Equatable {
    public var steps = 1_000_000
    public var windows = 20
    /// Frames rendered at the end of every window (0: none).
    public var renderedFrames = 300
    /// The raw output (`LatentLoop.rawOutput`, free to read) is measured every `rawEvery` steps.
    public var rawEvery = 1
    public var cycles = CycleSettings()
    public init() {}
}

/// Guard counts as plain numbers (a difference of two `GuardCounters`).
public struct GuardCounts: Equatable {
    public var steps = 0, renormalizations = 0, clampedSteps = 0, clampedValues = 0
    public var nonFiniteReseeds = 0, saturatedReseeds = 0, stallInjections = 0, cycleInjections = 0
    public init() {}
    public init(_ c: GuardCounters) {
        steps = c.steps; renormalizations = c.renormalizations; clampedSteps = c.clampedSteps
        clampedValues = c.clampedValues; nonFiniteReseeds = c.nonFiniteReseeds; saturatedReseeds = c.saturatedReseeds
        stallInjections = c.stallInjections; cycleInjections = c.cycleInjections
    }
    /// Counts accumulated since `earlier`.
    public func since(_ earlier: GuardCounts) -> GuardCounts {
        var d = GuardCounts()
        d.steps = steps - earlier.steps; d.renormalizations = renormalizations - earlier.renormalizations
        d.clampedSteps = clampedSteps - earlier.clampedSteps; d.clampedValues = clampedValues - earlier.clampedValues
        d.nonFiniteReseeds = nonFiniteReseeds - earlier.nonFiniteReseeds
        d.saturatedReseeds = saturatedReseeds - earlier.saturatedReseeds
        d.stallInjections = stallInjections - earlier.stallInjections
        d.cycleInjections = cycleInjections - earlier.cycleInjections
        return d
    }
    /// Interventions beyond plain renormalization (as `GuardCounters.interventions`).
    public var interventions: Int {
        clampedSteps + nonFiniteReseeds + saturatedReseeds + stallInjections + cycleInjections
    }
}

/// Moments of the raw RNN output over a window.
public struct RawOutputStatistics: Equatable {
    /// Steps probed and values pooled (steps × latent size).
    public var probedSteps = 0
    public var values = 0
    /// Moments of all probed values pooled together.
    public var mean = 0.0, std = 0.0, skewness = 0.0, kurtosis = 0.0
    /// Extremes of the per-step mean and standard deviation over the 64 (latent size) values.
    public var stepMeanMinimum = 0.0, stepMeanMaximum = 0.0
    public var stepStdMinimum = 0.0, stepStdMaximum = 0.0
    /// Largest |value| seen, and how many probed outputs held a non-finite value.
    public var maximumAbsolute = 0.0
    public var nonFiniteSteps = 0
    public init() {}
}

public struct EnduranceWindow {
    public var index: Int
    /// Steps firstStep...lastStep (1-based, inclusive).
    public var firstStep: Int
    public var lastStep: Int
    public var raw = RawOutputStatistics()
    /// Over the window, each latent component's time mean and standard deviation (of the
    /// renormalized latent): the largest |mean| and the smallest and largest std.
    public var componentMeanMaximumAbsolute = 0.0
    public var componentStdMinimum = 0.0
    public var componentStdMaximum = 0.0
    /// RMS latent change per step (`LatentLoop.lastChange`): mean and smallest.
    public var latentChangeMean = 0.0
    public var latentChangeMinimum = 0.0
    public var guards = GuardCounts()
    public var stalls = 0, cycles = 0, stalledSteps = 0, cyclingSteps = 0
    public var cyclePeriods: [Int: Int] = [:]
    /// Rendered steps lastStep − renderedFrames + 1 ... lastStep.
    public var renderedFrames = 0
}

public struct EnduranceResult {
    public var settings: EnduranceSettings
    public var windows: [EnduranceWindow]
    public var guards: GuardCounts
    /// Time in the loop (stepping, probing, rendering) and in the windows' analysis.
    public var seconds: Double
    public var analysisSeconds: Double
    public var stepsPerSecond: Double { seconds > 0 ? Double(guards.steps) / seconds : 0 }
    /// The frames rendered in the last window (for the report's strip).
    public var lastWindowFrames: FrameSet?
}

public enum Endurance {
    /// Runs `settings.steps` steps of `run`'s loop. `analyse` receives each window's rendered
    /// frames; `progress` gets a line every few seconds.
    public static func run(_ lamp: LampRun, settings s: EnduranceSettings,
                           analyse: (Int, FrameSet) -> Void = { _, _ in },
                           progress: (String) -> Void = { _ in }) -> EnduranceResult {
        precondition(s.steps >= 1 && s.windows >= 1 && s.windows <= s.steps && s.rawEvery >= 1)
        let dim = lamp.model.config.latentDim
        let detector = CycleDetector(dim: dim, settings: s.cycles)
        detector.observe(lamp.loop.latent.baseAddress!)
        let started = monotonicSeconds()
        var lastReport = started
        var analysisSeconds = 0.0
        var windows: [EnduranceWindow] = []
        var lastFrames: FrameSet? = nil
        var componentSum = [Double](repeating: 0, count: dim)
        var componentSquares = [Double](repeating: 0, count: dim)
        let startGuards = GuardCounts(lamp.loop.counters)
        var step = 0
        for w in 0..<s.windows {
            let first = step + 1
            let last = s.steps * (w + 1) / s.windows
            var window = EnduranceWindow(index: w, firstStep: first, lastStep: last)
            let guardsBefore = GuardCounts(lamp.loop.counters)
            let detectorBefore = (detector.stalls, detector.cycles, detector.stalledSteps, detector.cyclingSteps, detector.cyclePeriods)
            var pooled = MomentAccumulator()
            var raw = RawOutputStatistics()
            raw.stepMeanMinimum = .infinity; raw.stepMeanMaximum = -.infinity
            raw.stepStdMinimum = .infinity; raw.stepStdMaximum = -.infinity
            for i in 0..<dim { componentSum[i] = 0; componentSquares[i] = 0 }
            var changeSum = 0.0, changeMinimum = Double.infinity
            let rendered = min(s.renderedFrames, last - first + 1)
            let renderFrom = last - rendered + 1
            var frames = FrameSet(width: lamp.model.config.frameWidth, height: lamp.model.config.frameHeight)

            while step < last {
                step += 1
                if step == renderFrom {
                    lamp.step()
                    frames.append(frame: lamp.renderCurrent(), newSegment: true)
                } else if step > renderFrom {
                    frames.append(frame: lamp.stepRendering())
                } else {
                    lamp.step()
                }
                let z = lamp.loop.latent.baseAddress!
                for i in 0..<dim { let v = Double(z[i]); componentSum[i] += v; componentSquares[i] += v * v }
                let change = Double(lamp.loop.lastChange)
                changeSum += change
                changeMinimum = min(changeMinimum, change)
                detector.observe(z)
                if step % s.rawEvery == 0 {
                    let y = lamp.loop.rawOutput
                    var finite = true
                    for v in y where !v.isFinite { finite = false; break }
                    if finite {
                        let m = Moments(y)
                        pooled.add(y.baseAddress!, count: dim)
                        raw.stepMeanMinimum = min(raw.stepMeanMinimum, m.mean)
                        raw.stepMeanMaximum = max(raw.stepMeanMaximum, m.mean)
                        raw.stepStdMinimum = min(raw.stepStdMinimum, m.std)
                        raw.stepStdMaximum = max(raw.stepStdMaximum, m.std)
                        for v in y { raw.maximumAbsolute = max(raw.maximumAbsolute, Double(abs(v))) }
                    } else {
                        raw.nonFiniteSteps += 1
                    }
                    raw.probedSteps += 1
                }

                if step & 4095 == 0 {
                    let now = monotonicSeconds()
                    if now - lastReport >= 5 {
                        lastReport = now
                        let rate = Double(step) / max(now - started - analysisSeconds, 1e-9)
                        let analysisPerWindow = w > 0 ? analysisSeconds / Double(w) : 0
                        let eta = Double(s.steps - step) / max(rate, 1) + analysisPerWindow * Double(s.windows - w)
                        progress("endurance: step \(step)/\(s.steps) (\(Int(100 * Double(step) / Double(s.steps)))%), "
                                 + "\(Int(rate)) steps/s, ETA \(NumberFormat.duration(eta))")
                    }
                }
            }

            raw.values = pooled.count
            raw.mean = pooled.mean; raw.std = pooled.std
            raw.skewness = pooled.skewness; raw.kurtosis = pooled.kurtosis
            if raw.probedSteps == raw.nonFiniteSteps {
                raw.stepMeanMinimum = 0; raw.stepMeanMaximum = 0; raw.stepStdMinimum = 0; raw.stepStdMaximum = 0
            }
            window.raw = raw
            let n = Double(last - first + 1)
            var maxMean = 0.0, minStd = Double.infinity, maxStd = 0.0
            for i in 0..<dim {
                let m = componentSum[i] / n
                let sd = max(componentSquares[i] / n - m * m, 0).squareRoot()
                maxMean = max(maxMean, abs(m)); minStd = min(minStd, sd); maxStd = max(maxStd, sd)
            }
            window.componentMeanMaximumAbsolute = maxMean
            window.componentStdMinimum = minStd
            window.componentStdMaximum = maxStd
            window.latentChangeMean = changeSum / n
            window.latentChangeMinimum = changeMinimum
            window.guards = GuardCounts(lamp.loop.counters).since(guardsBefore)
            window.stalls = detector.stalls - detectorBefore.0
            window.cycles = detector.cycles - detectorBefore.1
            window.stalledSteps = detector.stalledSteps - detectorBefore.2
            window.cyclingSteps = detector.cyclingSteps - detectorBefore.3
            window.cyclePeriods = detector.cyclePeriods.merging(detectorBefore.4) { $0 - $1 }.filter { $0.value > 0 }
            window.renderedFrames = frames.count
            windows.append(window)
            if frames.count > 0 {
                let t0 = monotonicSeconds()
                analyse(w, frames)
                analysisSeconds += monotonicSeconds() - t0
                if w == s.windows - 1 { lastFrames = frames }
            }
        }
        let seconds = monotonicSeconds() - started - analysisSeconds
        progress("endurance: \(s.steps) steps in \(NumberFormat.duration(seconds)) (+ \(NumberFormat.duration(analysisSeconds)) measuring windows)")
        return EnduranceResult(settings: s, windows: windows,
                                   guards: GuardCounts(lamp.loop.counters).since(startGuards),
                                   seconds: seconds, analysisSeconds: analysisSeconds, lastWindowFrames: lastFrames)
    }
}
