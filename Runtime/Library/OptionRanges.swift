/// A numeric command-line option's allowed values and why (docs/reliability.md#options): a value
/// outside is refused at parse time with one line naming the option, the range and the reason.
/// NaN is outside every range (it compares false), so no float option takes it.
public struct OptionRange<Value: Comparable & CustomStringConvertible & Sendable>: Sendable {
    /// The option's name, without the dashes.
    public let name: String
    public let range: ClosedRange<Value>
    public let why: String

    public init(_ name: String, _ range: ClosedRange<Value>, _ why: String) {
        self.name = name; self.range = range; self.why = why
    }

    /// The error line for `value`, or nil when it is in range.
    public func problem(_ value: Value) -> String? {
        range.contains(value) ? nil
            : "--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)"
    }

    /// The same option with a smaller upper bound, for ranges that depend on another option.
    public func capped(at upper: Value) -> OptionRange {
        OptionRange(name, range.lowerBound...Swift.max(range.lowerBound, Swift.min(range.upperBound, upper)), why)
    }
}

/// Every numeric option's range, one table for all the programs: `duralava` and the board
/// build's hand-written parser (which shares the runtime's), `duralava-train` and
/// `duralava-convert`. Kept in the runtime because the board parser, which cannot link
/// swift-argument-parser, reads it too (docs/design.md#embedded-swift-and-the-board-build).
public enum OptionRanges {
    // duralava (run, render, compare, bench) and the board build.
    public static let rate = OptionRange<Double>("rate", 0.001...1000, "model steps per second of lamp time; above 1000 no display keeps up")
    public static let fps = OptionRange<Double>("fps", 1...240, "display frames per second; no monitor shows more than 240")
    public static let duration = OptionRange<Double>("duration", 0...1e9, "seconds before quitting (0: until closed); 10^9 s is 30 years")
    public static let hue = OptionRange<Double>("hue", -360...360, "a hue shift in degrees")
    public static let brightness = OptionRange<Double>("brightness", 0.1...1, "a share of full brightness")
    public static let nightBrightness = OptionRange<Double>("night-brightness", 0...1, "a share of full brightness; 0 blanks the screen")
    public static let renderSteps = OptionRange<Int>("steps", 1...10_000_000, "model steps; 10^7 is a day of rendering")
    public static let between = OptionRange<Int>("between", 0...1000, "display frames between two model steps")
    public static let renderScale = OptionRange<Int>("scale", 1...32, "an integer upscale; 32x of 64x64 is already 2048x2048")
    public static let compression = OptionRange<Int>("compression", 1...9, "a zlib level")
    public static let compareSteps = OptionRange<Int>("steps", 0...1_000_000, "headless model steps (0: a window); 10^6 frames side by side is hours of APNG")
    public static let compareScale = OptionRange<Int>("scale", 1...16, "an integer upscale of the pair of frames")
    public static let benchFrames = OptionRange<Int>("frames", 1...100_000, "timed repetitions")

    // duralava-train simulate.
    public static let simulateFrames = OptionRange<Int>("frames", 1...10_000_000, "a directory of 10^7 PNG frames is already hours of footage")
    public static let simulateFps = OptionRange<Double>("fps", 0.01...1000, "frames per lamp-second; the physics steps at 60 Hz, so above 1000 frames repeat")
    public static let warmUp = OptionRange<Double>("warm-up", 0...86_400, "lamp seconds simulated first (60 physics steps each); a lamp settles in minutes, a day is plenty")

    // duralava-train train.
    static let trainingSteps = 10_000_000
    static let trainingStepsWhy = "a step takes at least milliseconds; 10^7 steps is days of training"
    public static let frameSteps = OptionRange<Int>("frame-steps", 1...trainingSteps,
        "phase 2 learns on the trained frame model (to redo phase 2 alone: --resume --restart-dynamics); " + trainingStepsWhy)
    public static let dynamicsSteps = OptionRange<Int>("dynamics-steps", 0...trainingSteps, trainingStepsWhy)
    public static let extendFrames = OptionRange<Int>("extend-frames", 1...trainingSteps, trainingStepsWhy)
    public static let maxSteps = OptionRange<Int>("max-steps", 1...(2 * trainingSteps), "steps in this invocation; " + trainingStepsWhy)
    public static let reconstructionOnlySteps = OptionRange<Int>("reconstruction-only-steps", 0...trainingSteps, trainingStepsWhy)
    public static let threads = OptionRange<Int>("threads", 1...256, "worker threads; more than the cores only adds switching")
    public static let criticBlur = OptionRange<Int>("critic-blur", 0...16, "a blur radius in pixels; beyond 16 the critic sees no blobs at 128x128")
    public static let priorSamples = OptionRange<Int>("prior-samples", 0...1024, "fresh latents decoded per frame batch (the batch is 16)")
    public static let frameStep = OptionRange<Int>("frame-step", 1...1000, "every k-th frame of the footage is one model step")
    public static let sourceFps = OptionRange<Double>("source-fps", 0.01...10_000, "frames per second of the footage; lamp time per step is frame-step / source-fps")
    static let learningRateWhy = "Adam's step size; 0 learns nothing, above 1 every step overshoots"
    public static let learningRate = OptionRange<Float>("learning-rate", 1e-8...1, learningRateWhy)
    public static let dynamicsLearningRate = OptionRange<Float>("dynamics-learning-rate", 1e-8...1, learningRateWhy)
    /// The loss weights of `train`, each 0...10^6.
    public static func lossWeight(_ name: String) -> OptionRange<Float> {
        OptionRange<Float>(name, 0...1e6, "a loss weight; beyond 10^6 the weighted losses overflow 32-bit floats within a few steps")
    }
    public static let latentNoise = OptionRange<Float>("latent-noise", 0...10, "a standard deviation added to unit-std latents; beyond 10 the code is all noise")
    public static let resetProbability = OptionRange<Float>("reset-probability", 0...1, "a probability")
    public static let pixelCriticSamples = OptionRange<Int>("pixel-critic-samples", 2...64,
        "decoded rollout latents per step: the critic's BatchNorm needs 2, the default preset's batch is 64")
    public static let pixelCriticLag = OptionRange<Int>("pixel-critic-lag", 0...15, "steps between the two frames the critic judges; below the unroll horizon (16)")
    public static let pixelCriticBlur = OptionRange<Int>("pixel-critic-blur", 0...16, "a blur radius in pixels; beyond 16 the critic sees no blobs at 128x128")
    public static let freeRunShare = OptionRange<Float>("free-run-share", 0...1, "a share of the batch")
    public static let noiseCorrelation = OptionRange<Float>("noise-correlation", 0...0.999, "the lag-1 correlation of the RNN's noise; 1 would never change")
    public static let freeRunSteps = OptionRange<Int>("free-run-steps", 1...100_000,
        "free steps before a pool latent is used; it runs up to 10 times as many, and 10^6 steps take minutes per restart")

    // duralava-train eval.
    public static let evalSteps = OptionRange<Int>("steps", 1...100_000_000, "endurance RNN steps; the report card's 10^6 take minutes, 10^8 hours")
    public static let windows = OptionRange<Int>("windows", 1...10_000, "windows cut from --steps, each at least one step; 10^4 rows is the most a plot shows")
    public static let windowFrames = OptionRange<Int>("window-frames", 0...10_000, "frames rendered per window, each costs a generator run")
    public static let evalFrames = OptionRange<Int>("frames", 20...100_000, "the classifier test needs 20 frames per set; 10^5 frames at 64x64 is 5 GB of floats")
    public static let classifierSteps = OptionRange<Int>("classifier-steps", 1...1_000_000, "classifier updates; 10^6 is hours")
    public static let windowClassifierSteps = OptionRange<Int>("window-classifier-steps", 1...1_000_000, "classifier updates per window; 10^6 is hours")
    public static let chunk = OptionRange<Int>("chunk", 1...1_000_000, "steps per contiguous chunk of the classifier split")
    public static let gap = OptionRange<Int>("gap", 0...1_000_000, "steps trimmed at chunk borders")
    public static let rawEvery = OptionRange<Int>("raw-every", 1...100_000_000, "measure the raw RNN output every N of --steps")
    public static let evalPriorSamples = OptionRange<Int>("prior-samples", 0...20_000,
        "0 skips the test; otherwise at least 20 frames per set, and 2x10^4 at 64x64 is 1 GB of floats")
    public static let mixingFrames = OptionRange<Int>("mixing-frames", 0...100_000, "0 skips the test; 10^5 frames at 64x64 is 5 GB of floats")
    public static let clipSteps = OptionRange<Int>("clip-steps", 0...10_000, "0 writes no clip; 10^4 steps is a clip of minutes and many MB")

    // duralava-train two-sample.
    public static let twoSampleFrames = OptionRange<Int>("frames", 500...100_000, "the classifier holds out every 5th 100-frame chunk")
    /// The drift report's two-sample test: 0 skips it, otherwise as `twoSampleFrames`.
    public static let driftTwoSampleFrames = OptionRange<Int>("two-sample-frames", 0...100_000, "frames of each lamp for the classifier two-sample test (0: skip)")
    public static let segments = OptionRange<Int>("segments", 1...1000, "runs each set's frames are split into, each from its own seed")
    public static let burnIn = OptionRange<Int>("burn-in", 0...10_000_000, "loop steps before the first rendered frame of each run")

    // duralava-train probe-projection.
    public static let chains = OptionRange<Int>("chains", 2...64, "each lamp is one segment; the classifier's split needs at least two")
    public static let probeSteps = OptionRange<Int>("steps", 100...10_000, "the classifier splits each segment into 100-step chunks")
    public static let projectionEvery = OptionRange<Int>("every", 0...100_000, "steps between projections (0: never)")

    // duralava-convert quantize and compare.
    public static let calibrationSteps = OptionRange<Int>("calibration-steps", 100...10_000_000,
        "thousands of steps see the lamp's long-run states")
    public static let calibrationFrameEvery = OptionRange<Int>("calibration-frame-every", 1...1000, "generator frames on every n-th calibration step")
    public static let calibrationTail = OptionRange<Double>("calibration-tail", 0...0.01, "a larger tail clips more than 1% of an activation")
    public static let latents = OptionRange<Int>("latents", 10...1_000_000, "latents compared frame by frame")
    public static let rollouts = OptionRange<Int>("rollouts", 1...1000, "paired rollouts")
    public static let rolloutSteps = OptionRange<Int>("rollout-steps", 10...10_000_000, "steps of each paired rollout")
    public static let driftWindows = OptionRange<Int>("windows", 1...1000, "endurance windows, a strip of frames at the end of each")
    public static let enduranceSteps = OptionRange<Int>("steps", 0...1_000_000_000, "endurance steps of each lamp (0: skip), at least --windows")
}
