// The realism and motion figures of one set of generated frames against the real set A,
// and the same figures of the real data itself (what "good" looks like).

public struct MotionFigures: Equatable {
    /// Per-step frame change (mean absolute pixel difference of consecutive steps, 0–1).
    public var frameChange: Distribution
    /// Fraction of steps whose change is below the near-frozen floor.
    public var nearFrozenFraction: Double
    /// Longest run of consecutive near-frozen steps.
    public var longestFrozenRun: Int
    /// Block-matching speed of moving textured blocks, pixels per lamp-second.
    public var blobSpeed: Distribution
    /// Fraction of textured blocks that moved between frames one lag apart.
    public var movingFraction: Double
    public var blobLagSteps: Int
    /// Mean cosine of consecutive frame differences (`MotionPersistence`): travel vs jitter.
    public var persistence: Double

    public init(_ frames: FrameSet, stepSeconds: Double, frozenFloor: Double, blobLagSeconds: Double) {
        let change = FrameChange(frames)
        frameChange = change.distribution
        nearFrozenFraction = change.nearFrozenFraction(floor: frozenFloor)
        longestFrozenRun = change.longestFrozenRun(floor: frozenFloor)
        let speed = BlobSpeed(frames, stepSeconds: stepSeconds, lagSeconds: blobLagSeconds)
        blobSpeed = speed.distribution
        movingFraction = speed.movingFraction
        blobLagSteps = speed.lagSteps
        persistence = MotionPersistence.meanCosine(frames)
    }
}

/// What generated frames are compared with: real set A and its figures, and the rules that
/// depend on it.
public struct ReferenceFigures {
    public let real: FrameSet
    /// The classifier's train/test split of the real frames (nil: ChunkSplit's).
    public let realSplit: ChunkSplit?
    public let stepSeconds: Double
    public let histogramBins: Int
    public let histogram: ColourHistogram
    public let motion: MotionFigures
    /// A step is near-frozen below 10% of the real data's median change.
    public let frozenFloor: Double
    /// A frozen run this long (10 lamp-seconds) counts as frozen.
    public let frozenRunLimit: Int
    public let blobLagSeconds: Double

    public init(real: FrameSet, split: ChunkSplit? = nil, stepSeconds: Double, histogramBins: Int = 8,
                blobLagSeconds: Double = 1.0) {
        self.real = real
        realSplit = split
        self.stepSeconds = stepSeconds
        self.histogramBins = histogramBins
        self.blobLagSeconds = blobLagSeconds
        histogram = ColourHistogram(real, bins: histogramBins)
        let median = FrameChange(real).distribution.median
        frozenFloor = median > 0 ? 0.1 * median : 1e-4
        frozenRunLimit = max(2, Int((10 / stepSeconds).rounded()))
        motion = MotionFigures(real, stepSeconds: stepSeconds, frozenFloor: frozenFloor, blobLagSeconds: blobLagSeconds)
    }
}

public struct Comparison {
    public var frames: Int
    /// Classifier two-sample test, generated (set A of the test) against real: the CNN.
    public var classifier: TwoSampleResult
    /// The same test with the second classifier family (logistic regression on frame
    /// features, LinearClassifier.swift).
    public var linear: TwoSampleResult
    /// Realism: the worse (higher) accuracy of the two classifier families.
    public var realism: Double { max(classifier.accuracy, linear.accuracy) }
    /// Total variation between the colour histograms, generated against real.
    public var colourDistance: Double
    public var motion: MotionFigures
    /// Median frame change, generated over real.
    public var medianChangeRatio: Double
    /// Median blob speed (block matching), generated over real.
    public var blobSpeedRatio: Double
    /// Share of textured blocks that moved, generated over real.
    public var movingFractionRatio: Double
    public var frozen: Bool

    /// a / b, with 0 / 0 = 1 and x / 0 = infinity.
    static func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : (a > 0 ? .infinity : 1) }

    public init(generated: FrameSet, reference r: ReferenceFigures, classifier settings: ClassifierSettings,
                linear linearSettings: LinearClassifierSettings = LinearClassifierSettings(), seed: UInt64) {
        frames = generated.count
        classifier = TwoSampleTest.run(generated, r.real, settings: settings, seed: seed, splitB: r.realSplit)
        linear = LinearTwoSampleTest.run(generated, r.real, split: settings, settings: linearSettings, splitB: r.realSplit)
        colourDistance = ColourHistogram(generated, bins: r.histogramBins).totalVariation(to: r.histogram)
        motion = MotionFigures(generated, stepSeconds: r.stepSeconds, frozenFloor: r.frozenFloor,
                                   blobLagSeconds: r.blobLagSeconds)
        medianChangeRatio = Self.ratio(motion.frameChange.median, r.motion.frameChange.median)
        blobSpeedRatio = Self.ratio(motion.blobSpeed.median, r.motion.blobSpeed.median)
        movingFractionRatio = Self.ratio(motion.movingFraction, r.motion.movingFraction)
        frozen = motion.longestFrozenRun >= r.frozenRunLimit
    }
}
