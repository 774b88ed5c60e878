import DuralavaData
import DuralavaRuntime

// Mixing (docs/report-card.md#mixing): does the lamp wander through the footage's states, or
// does each run keep the blob population it started with? Two runs of the lamp from different
// seeds are tested against each other with both classifier families, beside two stretches of
// footage of the same length tested the same way (the floor: consecutive frames are not
// independent, so two simulator runs of 1,200 steps score about 0.77, not 0.5). A lamp that
// mixes is no easier to tell from itself than footage is.

public struct Mixing {
    public var frames: Int
    /// The lamp from two seeds: CNN, linear family, colour-histogram distance.
    public var lamp: (cnn: TwoSampleResult, linear: TwoSampleResult, colour: Double)
    /// Two stretches of footage of the same length.
    public var real: (cnn: TwoSampleResult, linear: TwoSampleResult, colour: Double)
    public var seeds: (UInt64, UInt64)
    /// What the two real stretches are.
    public var realDescription: String

    /// Within this of the real-vs-real accuracy, for each family.
    public static let tolerance = 0.05
    public var passes: Bool {
        lamp.cnn.accuracy <= real.cnn.accuracy + Self.tolerance && lamp.linear.accuracy <= real.linear.accuracy + Self.tolerance
    }

    /// Two lamp runs of `frames` steps after `burnIn` steps, from two seeds,
    /// and two real stretches from `source` (unseen simulator runs, or the first and last
    /// stretch of a frame directory). Seeds `seed + 10` and `seed + 12`: 11 and 13 for the card's default seed.
    public static func run(model: LampModel, source: DataSource, frames: Int, burnIn: Int, seed: UInt64,
                           simulatorSeed: UInt64?, classifier: ClassifierSettings, linear: LinearClassifierSettings,
                           histogramBins: Int) throws -> Mixing {
        let seeds = (seed &+ 10, seed &+ 12)
        func lampRun(_ s: UInt64) -> FrameSet {
            let lamp = LampRun(model: model, seed: s)
            for _ in 0..<burnIn { lamp.step() }
            return lamp.renderSequence(count: frames).asDisplayed()
        }
        let a = lampRun(seeds.0), b = lampRun(seeds.1)
        let (realA, realB, description) = try realStretches(source, model: model, frames: frames, simulatorSeed: simulatorSeed)
        func measure(_ x: FrameSet, _ y: FrameSet) -> (TwoSampleResult, TwoSampleResult, Double) {
            (TwoSampleTest.run(x, y, settings: classifier, seed: seed &+ 31),
             LinearTwoSampleTest.run(x, y, split: classifier, settings: linear),
             ColourHistogram(x, bins: histogramBins).totalVariation(to: ColourHistogram(y, bins: histogramBins)))
        }
        let l = measure(a, b), r = measure(realA, realB)
        return Mixing(frames: min(a.count, realA.count), lamp: (l.0, l.1, l.2), real: (r.0, r.1, r.2), seeds: seeds,
                          realDescription: description)
    }

    static func realStretches(_ source: DataSource, model: LampModel, frames: Int, simulatorSeed: UInt64?) throws
        -> (FrameSet, FrameSet, String) {
        let w = model.config.frameWidth, h = model.config.frameHeight, step = Double(model.config.stepSeconds)
        switch source {
        case .simulator:
            let palette = try ReferenceFrames.simulatorPalette(model)
            var first = (simulatorSeed ?? ReferenceFrames.heldOutSimulatorSeed) &+ 500
            if let r = ReferenceFrames.trainingSeeds(model.metadata), r.overlaps(first...(first &+ 1)) { first = r.upperBound &+ 1 }
            let runs = LampSequences.simulated(count: 2, length: frames, width: w, height: h, stepSeconds: step, palette: palette, seed: first)
            return (runs.frameSet(sequences: [0]).asDisplayed(), runs.frameSet(sequences: [1]).asDisplayed(),
                    "two simulator runs (seeds \(first), \(first &+ 1)), \(frames) steps each")
        case .directory(let path):
            let (data, k) = try ReferenceFrames.footage(path, model: model)
            let steps = data.count / k
            let n = min(frames, steps / 2)
            guard n >= 20 else { throw MeasureError(path: path, message: "\(steps) model steps: too few for two stretches of 20 (mixing)") }
            func stretch(_ start: Int) -> FrameSet {
                var values = [Float](repeating: 0, count: n * w * h * 3)
                values.withUnsafeMutableBufferPointer { b in
                    for t in 0..<n {
                        data.frame(at: (start + t) * k, into: UnsafeMutableBufferPointer(rebasing: b[(t * w * h * 3)..<((t + 1) * w * h * 3)]))
                    }
                }
                return FrameSet(width: w, height: h, values: values).asDisplayed()
            }
            return (stretch(0), stretch(steps - n), "the first and the last \(n) steps of \(path)")
        }
    }

    public var summary: String {
        "mixing: two lamp runs (seeds \(seeds.0), \(seeds.1)) vs each other: CNN \(NumberFormat.fixed(lamp.cnn.accuracy, 3)), "
            + "linear \(NumberFormat.fixed(lamp.linear.accuracy, 3)), colour \(NumberFormat.fixed(lamp.colour, 4)); "
            + "\(realDescription): CNN \(NumberFormat.fixed(real.cnn.accuracy, 3)), linear \(NumberFormat.fixed(real.linear.accuracy, 3)), "
            + "colour \(NumberFormat.fixed(real.colour, 4))"
    }
}
