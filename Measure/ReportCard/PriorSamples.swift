import DuralavaData
import DuralavaNN
import DuralavaRuntime

// "The sphere" (docs/report-card.md#the-sphere-prior-samples): the latent loop renormalizes
// every latent to mean 0 and std 1, so every point of that sphere must decode to a lamp. This
// measures it: frames decoded from random N(0, I) latents, each renormalized as the loop's
// guard does, against real frames spaced far enough apart to be nearly independent (the
// samples are independent; consecutive footage frames are not, and a classifier test of two
// correlated sets sits far above 0.5). Every figure stands beside a floor measured the same
// way on two sets of spaced real frames.

public struct PriorSamples {
    /// Frames in each set (samples, real A, real B).
    public var framesPerSet: Int
    /// Steps between two picked real frames of one sequence, and the lamp time that is.
    public var spacingSteps: Int
    public var spacingSeconds: Double
    /// CNN family: samples vs real B, and real A vs real B (the floor).
    public var cnn: TwoSampleResult
    public var cnnFloor: TwoSampleResult
    /// Linear family, the same two tests.
    public var linear: TwoSampleResult
    public var linearFloor: TwoSampleResult
    /// Colour-histogram distance of the samples to real A, and of real B to real A.
    public var colourDistance: Double
    public var colourFloor: Double
    /// Nil where the training frames are not known.
    public var diversity: Diversity?
    /// The decoded samples (8-bit values, as displayed), for pictures.
    public var samples: FrameSet

    /// Realism of the samples: the worse family, and its floor.
    public var accuracy: Double { max(cnn.accuracy, linear.accuracy) }

    /// Targets of the frame phase: both families ≤ 0.70, colour distance ≤ 2× the floor's
    /// (with a small absolute allowance: two real sets can be 0.005 apart), diversity passes.
    public static let accuracyTarget = 0.70
    public var colourPasses: Bool { colourDistance <= max(2 * colourFloor, 0.01) }
    public var passes: Bool {
        cnn.accuracy <= Self.accuracyTarget && linear.accuracy <= Self.accuracyTarget && colourPasses && (diversity?.passes ?? true)
    }

    /// Real frames of `sequences` of `data`, every `spacing`-th step of each, each frame its
    /// own segment (so the classifiers' chunk split treats them as the independent frames they
    /// nearly are), at most `limit` frames.
    public static func spacedFrames(_ data: LampSequences, sequences: [Int], spacing: Int, limit: Int) -> FrameSet {
        var set = FrameSet(width: data.width, height: data.height)
        var frame = [Float](repeating: 0, count: data.frameValueCount)
        outer: for t in stride(from: 0, to: data.length, by: spacing) {
            for q in sequences {
                guard set.count < limit else { break outer }
                frame.withUnsafeMutableBufferPointer { data.copyFrame(sequence: q, step: t, into: $0.baseAddress!) }
                frame.withUnsafeBufferPointer { set.append(frame: $0.baseAddress!, newSegment: true) }
            }
        }
        return set
    }

    /// The spacing for `data`: `targetSeconds` of lamp time between picked frames, shortened
    /// where the footage is too short to give `minimumPerSet` frames to each real set.
    public static func spacing(for data: LampSequences, targetSeconds: Double, minimumPerSet: Int) -> Int {
        let target = max(1, Int((targetSeconds / data.stepSeconds).rounded()))
        let perHalf = (data.sequences.count / 2) * data.length
        return max(1, min(target, perHalf / max(1, minimumPerSet)))
    }

    /// Spaced frames of `heldOut` (even sequences: real A; odd: real B) and, for the diversity
    /// check, of `training`; then `run` below.
    public static func run(latentDim: Int, decode: ([Float], Int) -> [Float], heldOut: LampSequences, training: LampSequences,
                           framesPerSet: Int = 600, targetSpacingSeconds: Double = 4, seed: UInt64,
                           classifier: ClassifierSettings = ClassifierSettings(),
                           linearSettings: LinearClassifierSettings = LinearClassifierSettings(),
                           histogramBins: Int = 8) -> PriorSamples {
        let all = Array(0..<heldOut.sequences.count)
        let even = all.filter { $0 % 2 == 0 }, odd = all.filter { $0 % 2 == 1 }
        let spacing = Self.spacing(for: heldOut, targetSeconds: targetSpacingSeconds, minimumPerSet: framesPerSet)
        let realA = spacedFrames(heldOut, sequences: even.isEmpty ? all : even, spacing: spacing, limit: framesPerSet)
        let realB = spacedFrames(heldOut, sequences: odd.isEmpty ? all : odd, spacing: spacing, limit: framesPerSet)
        let trainingFrames = spacedFrames(training, sequences: Array(0..<training.sequences.count),
                                          spacing: max(1, (training.frameCount + 3999) / 4000), limit: 4000)
        return run(latentDim: latentDim, decode: decode, realA: realA, realB: realB, spacingSteps: spacing,
                   stepSeconds: heldOut.stepSeconds, training: trainingFrames, seed: seed, classifier: classifier,
                   linearSettings: linearSettings, histogramBins: histogramBins)
    }

    /// Decodes as many renormalized N(0, I) latents of `latentDim` numbers as the smaller real
    /// set holds with `decode` (latents [n·latentDim] → frames [n·H·W·3] in [0,1]) and measures
    /// them against real B (real A against real B: the floors); the diversity check compares
    /// their nearest `training` frames with real B's (skipped without training frames).
    public static func run(latentDim: Int, decode: ([Float], Int) -> [Float], realA rawA: FrameSet, realB rawB: FrameSet,
                           spacingSteps: Int, stepSeconds: Double, training: FrameSet?, seed: UInt64,
                           classifier: ClassifierSettings = ClassifierSettings(),
                           linearSettings: LinearClassifierSettings = LinearClassifierSettings(),
                           histogramBins: Int = 8) -> PriorSamples {
        let realA = rawA.asDisplayed(), realB = rawB.asDisplayed()
        let n = min(realA.count, realB.count)
        var rng = RandomGenerator(seed: seed &+ 0x5A3)
        var samples = FrameSet(width: realA.width, height: realA.height)
        let chunk = 64
        var done = 0
        while done < n {
            let k = min(chunk, n - done)
            var z = [Float](repeating: 0, count: k * latentDim)
            z.withUnsafeMutableBufferPointer { b in
                rng.fillGaussian(b)
                for i in 0..<k { renormalize(b.baseAddress! + i * latentDim, count: latentDim) }
            }
            let frames = decode(z, k)
            frames.withUnsafeBufferPointer { f in
                for i in 0..<k { samples.append(frame: f.baseAddress! + i * samples.frameValueCount, newSegment: true) }
            }
            done += k
        }
        samples = samples.asDisplayed()

        let cnn = TwoSampleTest.run(samples, realB, settings: classifier, seed: seed &+ 21)
        let cnnFloor = TwoSampleTest.run(realA, realB, settings: classifier, seed: seed &+ 21)
        let linear = LinearTwoSampleTest.run(samples, realB, split: classifier, settings: linearSettings)
        let linearFloor = LinearTwoSampleTest.run(realA, realB, split: classifier, settings: linearSettings)
        let histA = ColourHistogram(realA, bins: histogramBins)
        return PriorSamples(framesPerSet: n, spacingSteps: spacingSteps, spacingSeconds: Double(spacingSteps) * stepSeconds,
                                cnn: cnn, cnnFloor: cnnFloor, linear: linear, linearFloor: linearFloor,
                                colourDistance: ColourHistogram(samples, bins: histogramBins).totalVariation(to: histA),
                                colourFloor: ColourHistogram(realB, bins: histogramBins).totalVariation(to: histA),
                                diversity: training.map { Diversity(samples: samples, heldOut: realB, training: $0.asDisplayed()) },
                                samples: samples)
    }

    /// One line for logs and the frame check.
    public var summary: String {
        "prior samples (\(framesPerSet) renormalized N(0, I) latents) vs real frames \(NumberFormat.compact(spacingSeconds)) lamp-s apart: "
            + "CNN \(NumberFormat.fixed(cnn.accuracy, 3)) (real vs real \(NumberFormat.fixed(cnnFloor.accuracy, 3))), "
            + "linear family \(NumberFormat.fixed(linear.accuracy, 3)) (real vs real \(NumberFormat.fixed(linearFloor.accuracy, 3))), "
            + "colour-histogram distance \(NumberFormat.fixed(colourDistance, 4)) (real vs real \(NumberFormat.fixed(colourFloor, 4))); "
            + (diversity?.summary ?? "diversity not measured (training frames unknown)")
    }
}

/// No memorised frames, no collapse to a few: each sample's nearest training frame must be no
/// closer than a held-out real frame's is, and samples must lie no closer to one another than
/// held-out frames do (medians, with 10 % allowance for sampling noise: a perfect model's samples
/// are as far from the training frames as held-out footage is, and half the time a little closer).
/// Distances are RMS differences of 16×16 area-averaged frames (8-bit levels / 255).
public struct Diversity: Equatable {
    public var sampleToTraining: Double, heldOutToTraining: Double
    public var sampleToSample: Double, heldOutToHeldOut: Double
    public static let allowance = 0.9

    public var memorises: Bool { sampleToTraining < Self.allowance * heldOutToTraining }
    public var collapses: Bool { sampleToSample < Self.allowance * heldOutToHeldOut }
    public var passes: Bool { !memorises && !collapses }

    public init(sampleToTraining: Double, heldOutToTraining: Double, sampleToSample: Double, heldOutToHeldOut: Double) {
        self.sampleToTraining = sampleToTraining; self.heldOutToTraining = heldOutToTraining
        self.sampleToSample = sampleToSample; self.heldOutToHeldOut = heldOutToHeldOut
    }

    public init(samples: FrameSet, heldOut: FrameSet, training: FrameSet) {
        let s = Self.thumbnails(samples), h = Self.thumbnails(heldOut), t = Self.thumbnails(training)
        self.init(sampleToTraining: Self.medianNearest(s, t, excludingSelf: false),
                  heldOutToTraining: Self.medianNearest(h, t, excludingSelf: false),
                  sampleToSample: Self.medianNearest(s, s, excludingSelf: true),
                  heldOutToHeldOut: Self.medianNearest(h, h, excludingSelf: true))
    }

    public var summary: String {
        "diversity \(passes ? "passes" : "fails"): nearest training frame \(NumberFormat.fixed(sampleToTraining, 4)) "
            + "(held-out \(NumberFormat.fixed(heldOutToTraining, 4))), nearest other sample \(NumberFormat.fixed(sampleToSample, 4)) "
            + "(held-out \(NumberFormat.fixed(heldOutToHeldOut, 4)))"
            + (memorises ? "; samples sit closer to training frames than footage does (memorised)" : "")
            + (collapses ? "; samples sit closer to each other than footage does (collapse)" : "")
    }

    static let side = 16

    /// Each frame area-averaged to side×side×3 (nearest-cell boxes for sizes that don't divide).
    static func thumbnails(_ set: FrameSet) -> [[Float]] {
        let w = set.width, h = set.height, s = side
        return (0..<set.count).map { i in
            set.withFrame(i) { f in
                var out = [Float](repeating: 0, count: s * s * 3), counts = [Float](repeating: 0, count: s * s)
                for y in 0..<h {
                    let cy = y * s / h
                    for x in 0..<w {
                        let c = cy * s + x * s / w
                        counts[c] += 1
                        for k in 0..<3 { out[c * 3 + k] += f[(y * w + x) * 3 + k] }
                    }
                }
                for c in 0..<(s * s) { for k in 0..<3 { out[c * 3 + k] /= max(1, counts[c]) } }
                return out
            }
        }
    }

    /// Median over `a` of the RMS distance to the nearest element of `b`.
    static func medianNearest(_ a: [[Float]], _ b: [[Float]], excludingSelf: Bool) -> Double {
        guard !a.isEmpty, b.count > (excludingSelf ? 1 : 0) else { return .nan }
        var nearest: [Double] = []
        nearest.reserveCapacity(a.count)
        for (i, x) in a.enumerated() {
            var best = Float.infinity
            for (j, y) in b.enumerated() where !(excludingSelf && i == j) {
                var d: Float = 0
                for k in 0..<x.count { let e = x[k] - y[k]; d += e * e; if d >= best { break } }
                best = min(best, d)
            }
            nearest.append((Double(best) / Double(x.count)).squareRoot())
        }
        nearest.sort()
        return nearest[nearest.count / 2]
    }
}
