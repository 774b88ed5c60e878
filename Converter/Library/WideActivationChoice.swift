import DuralavaMeasure
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Chooses which hidden generator activations `quantize` stores wide when asked for `auto` (the
/// default): the fewest last layers — from the last two up — whose int8 lamp moves like the float
/// one. An int8 activation's rounding error changes from one latent to the next, so a slow lamp
/// shows it as extra frame change: on the lamp shipped on 2026-12-05 the last two layers wide gave
/// ×1.14 of the float lamp's motion, the last three ×1.06 (docs/int8.md, "Motion and wide
/// activations"). Each wide layer makes the next one read 16-bit codes, so a layer is widened only
/// where the motion asks for it.
public struct WideActivationChoice {
    /// What `duralava-convert compare` checks: the int8 lamp's median frame change over the float lamp's.
    public static let motionRange: ClosedRange<Double> = 0.9...1.1

    public struct Settings {
        /// Paired runs of the float and the int8 lamp (same start latent and noise).
        public var runs = 8
        /// Steps of each run whose frames are measured, after `burnIn` steps.
        public var steps = 250
        public var burnIn = 50
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Trial {
        public let wide: Int8Conversion.WideActivations
        public let motionRatio: Double
        public var passes: Bool { WideActivationChoice.motionRange.contains(motionRatio) }
    }

    /// Every trial in order, and the one chosen: the first that passes; if none does, the one
    /// nearest ×1 (by ratio: ×0.8 and ×1.25 are equally far).
    public let trials: [Trial]
    public let chosen: Trial

    /// Tries `.last(2)`, `.last(3)`, ... up to every hidden layer; `ratio` measures one candidate.
    public init(hiddenLayers: Int, ratio: (Int8Conversion.WideActivations) -> Double) {
        var trials: [Trial] = []
        for n in Swift.max(1, Swift.min(2, hiddenLayers))...Swift.max(hiddenLayers, 1) {
            let trial = Trial(wide: .last(n), motionRatio: ratio(.last(n)))
            trials.append(trial)
            if trial.passes { break }
        }
        self.trials = trials
        // Nearest on a log scale: ×0.8 is as far from ×1 as ×1.25.
        self.chosen = trials.first(where: \.passes) ?? trials.min { abs(log($0.motionRatio)) < abs(log($1.motionRatio)) }!
    }

    /// The int8 lamp's median per-step frame change over the float lamp's, both shown as 8-bit
    /// pixels, over paired runs from the model's start latents (`LampRun`: the lamp as the
    /// runtime runs it).
    public static func motionRatio(float: LampModel, int8: LampModel, settings s: Settings = Settings()) -> Double {
        let dim = float.config.latentDim
        let starts = float.startLatents.count / dim
        let medians = [float, int8].map { model in
            var frames = FrameSet(width: model.config.frameWidth, height: model.config.frameHeight)
            for r in 0..<s.runs {
                let run = LampRun(model: model, seed: s.seed &+ UInt64(r))
                if starts > 0 { run.loop.reset(to: Array(model.startLatents[(r % starts) * dim..<((r % starts) + 1) * dim])) }
                for _ in 0...s.burnIn { run.step() }
                frames.append(run.renderSequence(count: s.steps))
            }
            return FrameChange(frames.asDisplayed()).distribution.median
        }
        let f = medians[0], q = medians[1]
        return f > 0 ? q / f : (q > 0 ? .infinity : 1)
    }
}
