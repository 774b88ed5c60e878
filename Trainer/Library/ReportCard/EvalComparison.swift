import DuralavaMeasure
// The realism and motion figures of one set of generated frames against the real set A,
// and the same figures of the real data itself (what "good" looks like).

public struct EvalMotionFigures: Equatable {
    /// Per-step frame change (mean absolute pixel difference of consecutive steps, 0–1).
    public var frameChange: EvalDistribution
    /// Fraction of steps whose change is below the near-frozen floor.
    public var nearFrozenFraction: Double
    /// Longest run of consecutive near-frozen steps.
    public var longestFrozenRun: Int
    /// Block-matching speed of moving textured blocks, pixels per lamp-second.
    public var blobSpeed: EvalDistribution
    /// Fraction of textured blocks that moved between frames one lag apart.
    public var movingFraction: Double
    public var blobLagSteps: Int

    public init(_ frames: EvalFrameSet, stepSeconds: Double, frozenFloor: Double, blobLagSeconds: Double) {
        let change = EvalFrameChange(frames)
        frameChange = change.distribution
        nearFrozenFraction = change.nearFrozenFraction(floor: frozenFloor)
        longestFrozenRun = change.longestFrozenRun(floor: frozenFloor)
        let speed = EvalBlobSpeed(frames, stepSeconds: stepSeconds, lagSeconds: blobLagSeconds)
        blobSpeed = speed.distribution
        movingFraction = speed.movingFraction
        blobLagSteps = speed.lagSteps
    }
}

/// What generated frames are compared with: real set A and its figures, and the rules that
/// depend on it.
public struct EvalReferenceFigures {
    public let real: EvalFrameSet
    /// The classifier's train/test split of the real frames (nil: EvalChunkSplit's).
    public let realSplit: EvalChunkSplit?
    public let stepSeconds: Double
    public let histogramBins: Int
    public let histogram: EvalColourHistogram
    public let motion: EvalMotionFigures
    /// A step is near-frozen below 10% of the real data's median change.
    public let frozenFloor: Double
    /// A frozen run this long (10 lamp-seconds) counts as frozen.
    public let frozenRunLimit: Int
    public let blobLagSeconds: Double

    public init(real: EvalFrameSet, split: EvalChunkSplit? = nil, stepSeconds: Double, histogramBins: Int = 8,
                blobLagSeconds: Double = 1.0) {
        self.real = real
        realSplit = split
        self.stepSeconds = stepSeconds
        self.histogramBins = histogramBins
        self.blobLagSeconds = blobLagSeconds
        histogram = EvalColourHistogram(real, bins: histogramBins)
        let median = EvalFrameChange(real).distribution.median
        frozenFloor = median > 0 ? 0.1 * median : 1e-4
        frozenRunLimit = max(2, Int((10 / stepSeconds).rounded()))
        motion = EvalMotionFigures(real, stepSeconds: stepSeconds, frozenFloor: frozenFloor, blobLagSeconds: blobLagSeconds)
    }
}

public struct EvalComparison {
    public var frames: Int
    /// Classifier two-sample test, generated (set A of the test) against real: the CNN.
    public var classifier: EvalTwoSampleResult
    /// The same test with the second classifier family (logistic regression on frame
    /// features, EvalLinearClassifier.swift).
    public var linear: EvalTwoSampleResult
    /// Realism: the worse (higher) accuracy of the two classifier families.
    public var realism: Double { max(classifier.accuracy, linear.accuracy) }
    /// Total variation between the colour histograms, generated against real.
    public var colourDistance: Double
    public var motion: EvalMotionFigures
    /// Median frame change, generated over real.
    public var medianChangeRatio: Double
    /// Median blob speed (block matching), generated over real.
    public var blobSpeedRatio: Double
    /// Share of textured blocks that moved, generated over real.
    public var movingFractionRatio: Double
    public var frozen: Bool

    /// a / b, with 0 / 0 = 1 and x / 0 = infinity.
    static func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : (a > 0 ? .infinity : 1) }

    public init(generated: EvalFrameSet, reference r: EvalReferenceFigures, classifier settings: EvalClassifierSettings,
                linear linearSettings: EvalLinearClassifierSettings = EvalLinearClassifierSettings(), seed: UInt64) {
        frames = generated.count
        classifier = EvalTwoSampleTest.run(generated, r.real, settings: settings, seed: seed, splitB: r.realSplit)
        linear = EvalLinearTwoSampleTest.run(generated, r.real, split: settings, settings: linearSettings, splitB: r.realSplit)
        colourDistance = EvalColourHistogram(generated, bins: r.histogramBins).totalVariation(to: r.histogram)
        motion = EvalMotionFigures(generated, stepSeconds: r.stepSeconds, frozenFloor: r.frozenFloor,
                                   blobLagSeconds: r.blobLagSeconds)
        medianChangeRatio = Self.ratio(motion.frameChange.median, r.motion.frameChange.median)
        blobSpeedRatio = Self.ratio(motion.blobSpeed.median, r.motion.blobSpeed.median)
        movingFractionRatio = Self.ratio(motion.movingFraction, r.motion.movingFraction)
        frozen = motion.longestFrozenRun >= r.frozenRunLimit
    }
}
