// Every setting a training run resolves — the footage options and each preset value the
// command line can change — as text under the `train` option's name, so that a checkpoint
// records them (metadata `meta.setting.<name>`) and `--resume` restores them instead of
// silently taking today's defaults (docs/reliability.md#training-keeps-its-history). Floats
// are written in Swift's shortest round-trip form, so a restored value is bit-identical.

/// One resolved setting of a preset: its `train` option name, how to read and write it.
public struct PresetSetting {
    public let name: String
    /// Which phase it belongs to: a setting of phase 2 may change with --restart-dynamics, one of
    /// either phase with --extend-frames (both start phase 2 afresh).
    public let phase: Int
    let get: (TrainingPreset) -> String
    let set: (inout TrainingPreset, String) -> Bool

    static func float(_ name: String, phase: Int, _ path: WritableKeyPath<TrainingPreset, Float>) -> PresetSetting {
        PresetSetting(name: name, phase: phase, get: { "\($0[keyPath: path])" },
                      set: { p, text in guard let v = Float(text), v.isFinite else { return false }; p[keyPath: path] = v; return true })
    }
    static func int(_ name: String, phase: Int, _ path: WritableKeyPath<TrainingPreset, Int>) -> PresetSetting {
        PresetSetting(name: name, phase: phase, get: { "\($0[keyPath: path])" },
                      set: { p, text in guard let v = Int(text) else { return false }; p[keyPath: path] = v; return true })
    }
    static func bool(_ name: String, phase: Int, _ path: WritableKeyPath<TrainingPreset, Bool>, inverted: Bool = false) -> PresetSetting {
        PresetSetting(name: name, phase: phase, get: { "\($0[keyPath: path] != inverted)" },
                      set: { p, text in guard let v = Bool(text) else { return false }; p[keyPath: path] = v != inverted; return true })
    }
}

public enum RunSettings {
    /// The checkpoint metadata prefix of a recorded setting.
    public static let metadataPrefix = "setting."
    /// The checkpoint metadata key of the overrides taken so far (one line each).
    public static let overridesKey = "overrides"

    /// The footage and run options recorded beside the preset's values (not preset fields). The
    /// frame size is recorded on its own (`frame_size`): a resume at another size is refused.
    public static let runOptions = ["preset", "data", "palette", "seed", "frame-step", "source-fps", "fit"]

    /// Every preset value a `train` option sets.
    public static var presetSettings: [PresetSetting] { [
        .int("frame-steps", phase: 1, \.frameSteps),
        .int("dynamics-steps", phase: 2, \.dynamicsSteps),
        .float("reconstruction-weight", phase: 1, \.frame.reconstructionWeight),
        .float("adversarial-weight", phase: 1, \.frame.adversarialWeight),
        .float("learning-rate", phase: 1, \.frame.learningRate),
        .int("prior-samples", phase: 1, \.frame.priorSamples),
        .int("reconstruction-only-steps", phase: 1, \.frame.reconstructionOnlySteps),
        .float("latent-noise", phase: 1, \.frame.latentNoise),
        .int("critic-blur", phase: 1, \.frame.criticBlurRadius),
        .float("gradient-difference-weight", phase: 1, \.frame.gradientDifferenceWeight),
        .bool("l1-reconstruction", phase: 1, \.frame.squaredReconstruction, inverted: true),
        .float("latent-mmd-weight", phase: 1, \.frame.latentMMDWeight),
        .bool("adversarial-prior-only", phase: 1, \.frame.adversarialPriorOnly),
        .float("critic-gradient-penalty", phase: 1, \.frame.criticGradientPenalty),
        .bool("critic-without-batch-norm", phase: 1, \.frame.criticBatchNorm, inverted: true),
        .float("frame-statistics-weight", phase: 1, \.frame.frameStatisticsWeight),
        .float("neighbour-difference-weight", phase: 1, \.frame.neighbourDifferenceWeight),
        .float("prediction-weight", phase: 2, \.dynamics.predictionWeight),
        .float("normality-weight", phase: 2, \.dynamics.momentWeight),
        .float("dynamics-learning-rate", phase: 2, \.dynamics.learningRate),
        .float("dynamics-critic-learning-rate", phase: 2, \.dynamics.criticLearningRate),
        .float("reset-probability", phase: 2, \.dynamics.resetProbability),
        .float("manifold-weight", phase: 2, \.dynamics.manifoldWeight),
        .float("raw-std-weight", phase: 2, \.dynamics.rawStdWeight),
        .float("denoising-weight", phase: 2, \.dynamics.denoisingWeight),
        .float("denoising-noise", phase: 2, \.dynamics.denoisingNoise),
        .int("denoising-horizon", phase: 2, \.dynamics.denoisingHorizon),
        .float("pixel-critic-weight", phase: 2, \.dynamics.pixelCriticWeight),
        .int("pixel-critic-samples", phase: 2, \.dynamics.pixelCriticSamples),
        .int("pixel-critic-blur", phase: 2, \.dynamics.pixelCriticBlurRadius),
        .bool("pixel-critic-decoded-real", phase: 2, \.dynamics.pixelCriticAgainstDecodedFootage),
        .int("pixel-critic-lag", phase: 2, \.dynamics.pixelCriticLag),
        .float("free-run-share", phase: 2, \.dynamics.freeRunShare),
        .int("free-run-steps", phase: 2, \.dynamics.freeRunSteps),
        .float("noise-correlation", phase: 2, \.dynamics.noiseCorrelation),
    ] }

    /// The preset's values by option name.
    public static func values(of preset: TrainingPreset) -> [String: String] {
        var v: [String: String] = [:]
        for s in presetSettings { v[s.name] = s.get(preset) }
        return v
    }

    /// Writes recorded values into `preset`; names that are not preset settings are ignored
    /// (the run options), a value that does not parse is an error naming it.
    public static func apply(_ values: [String: String], to preset: inout TrainingPreset, source: String) throws {
        for s in presetSettings {
            guard let text = values[s.name] else { continue }
            guard s.set(&preset, text) else {
                throw TrainingError("\(source): recorded setting \(s.name) = \"\(text)\" is not a valid value")
            }
        }
    }

    /// The recorded settings of checkpoint metadata (user keys, as `Checkpoint.userMetadata`
    /// returns them); empty for a checkpoint written before settings were recorded.
    public static func recorded(in metadata: [String: String]) -> [String: String] {
        var v: [String: String] = [:]
        for (k, value) in metadata where k.hasPrefix(metadataPrefix) { v[String(k.dropFirst(metadataPrefix.count))] = value }
        return v
    }

    /// Checkpoint metadata for `values`.
    public static func metadata(_ values: [String: String]) -> [String: String] {
        var m: [String: String] = [:]
        for (k, v) in values { m[metadataPrefix + k] = v }
        return m
    }

    /// Names of settings that may change on a resume without `--override`: none, except the
    /// settings of a phase that starts afresh (phase 2 with --restart-dynamics; both phases'
    /// settings and step counts with --extend-frames, which trains more frames then phase 2 anew).
    public static func freelyChangeable(restartDynamics: Bool, extendFrames: Bool) -> Set<String> {
        var names = Set<String>()
        if restartDynamics || extendFrames { names.formUnion(presetSettings.filter { $0.phase == 2 }.map(\.name)) }
        if extendFrames { names.formUnion(presetSettings.filter { $0.phase == 1 && $0.name != "frame-steps" }.map(\.name)) }
        return names
    }
}
