// The report card of a lamp model (docs/design.md#the-report-card-and-its-floors): realism, motion and endurance of frames
// generated through the runtime's own loop, against held-out real frames. `evaluate` measures,
// `write` (ReportCardFiles.swift) puts report.json, report.md and the plots in a directory.

import DuralavaRuntime

public struct ReportCardOptions {
    public var modelPath: String
    public var data: DataSource = .simulator
    /// Generated frames for the realism and motion figures (consecutive steps); each of the
    /// real sets A and B gets as many.
    public var frames = 2000
    /// Seeds the lamp's latent loop; the classifiers' seeds derive from it.
    public var seed: UInt64 = 1
    /// Simulator seed for the reference frames (nil: a held-out seed).
    public var simulatorSeed: UInt64? = nil
    /// Latent-loop steps run before the first generated frame is kept.
    public var burnInSteps = 100
    public var endurance = EnduranceSettings()
    public var classifier = ClassifierSettings()
    /// The second classifier family (logistic regression on frame features).
    public var linearClassifier = LinearClassifierSettings()
    /// Classifier updates for each endurance window's (smaller) test.
    public var windowClassifierSteps = 200
    public var histogramBins = 8
    /// Frames this far apart (lamp seconds) are block-matched for the blob speed.
    public var blobLagSeconds = 1.0
    /// Frames per row of the strip plot.
    public var stripFrames = 8
    /// Frames decoded from random renormalized N(0, I) latents for the sphere's test, and as
    /// many spaced real frames in each real set (0: skip the test).
    public var priorSampleFrames = 600
    /// Steps of each of the two lamp runs (and of each real stretch) for the mixing test (0: skip).
    public var mixingFrames = 1200
    /// Consecutive steps of the lamp and of the footage in clip.png, side by side (0: no clip).
    public var clipSteps = 300

    public init(modelPath: String) { self.modelPath = modelPath }
}

public struct ReportCard {
    public var options: ReportCardOptions
    public var modelMetadata: [String: String]
    public var config: ModelConfig
    public var trained: Bool
    public var reference: ReferenceFrames
    public var referenceFigures: ReferenceFigures
    /// Real set B against real set A: the floor a perfect model would reach.
    public var realFloor: TwoSampleResult
    /// The same floor for the second classifier family.
    public var realFloorLinear: TwoSampleResult
    public var realColourFloor: Double
    public var realFloorMotion: MotionFigures
    /// The first `frames` steps after the burn-in.
    public var generated: Comparison
    /// The sphere: random renormalized latents decoded by the generator vs spaced real frames
    /// (nil when skipped).
    public var priorSamples: PriorSamples?
    /// Two lamp runs from different seeds vs each other, beside two stretches of footage (nil when skipped).
    public var mixing: Mixing?
    public var generatedGuards: GuardCounts
    public var endurance: EnduranceResult
    /// Figures of each endurance window's rendered frames (nil where none were rendered).
    public var windows: [Comparison?]
    public var classifierArchitecture: String
    public var linearClassifierDescription: String
    /// Per-step frame changes, for the histogram plot.
    public var generatedChanges: [Double]
    public var realChanges: [Double]
    /// Frames for the strip plot: label and 8-bit RGB frames.
    public var strip: [(label: String, frames: [[UInt8]])]
    /// The clip's frames: consecutive lamp steps after burn-in and consecutive footage frames.
    public var clip: (generated: [[UInt8]], real: [[UInt8]]) = ([], [])
    public var timings: [(String, Double)]
    public var targets: [ReportCardTarget] = []

    public static func evaluate(_ options: ReportCardOptions, progress: (String) -> Void = { _ in }) throws -> ReportCard {
        let o = options
        guard o.frames >= 20 else { throw MeasureError(path: o.modelPath, message: "--frames must be at least 20 (got \(o.frames))") }
        guard o.endurance.steps >= o.endurance.windows, o.endurance.windows >= 1 else {
            throw MeasureError(path: o.modelPath, message: "--steps (\(o.endurance.steps)) must be at least the number of windows (\(o.endurance.windows))")
        }
        var timings: [(String, Double)] = []
        var t0 = monotonicSeconds()
        func lap(_ name: String) { let t = monotonicSeconds(); timings.append((name, t - t0)); t0 = t }

        let model: LampModel
        do throws(ModelError) { model = try LampModel(path: o.modelPath) }
        catch { throw MeasureError(path: o.modelPath, message: error.message) }
        let c = model.config
        progress("model \(o.modelPath): \(c.frameWidth)x\(c.frameHeight), latent \(c.latentDim), step \(c.stepSeconds) s\(model.isTrained ? "" : " (untrained)")")

        // Real frames.
        progress("reference frames: \(2 * o.frames) from \(o.data)")
        let reference = try ReferenceFrames.load(o.data, model: model, perSet: o.frames, chunk: o.classifier.chunk,
                                                     testEvery: o.classifier.testEvery, gap: o.classifier.gap,
                                                     simulatorSeed: o.simulatorSeed, keepOpening: o.clipSteps, progress: progress)
        for note in reference.notes { progress("note: \(note)") }
        guard reference.a.count >= 20, reference.b.count >= 20 else {
            throw MeasureError(path: o.data.description, message: "only \(reference.a.count + reference.b.count) reference frames; at least 40 are needed")
        }
        let figures = ReferenceFigures(real: reference.a, split: reference.splitA, stepSeconds: reference.stepSeconds,
                                           histogramBins: o.histogramBins, blobLagSeconds: o.blobLagSeconds)
        lap("reference frames")

        // Generated frames through the runtime's loop.
        progress("generating \(o.frames) frames (after \(o.burnInSteps) burn-in steps)")
        let lamp = LampRun(model: model, seed: o.seed)
        for _ in 0..<o.burnInSteps { lamp.step() }
        let generatedSet = lamp.renderSequence(count: o.frames)
        let generatedGuards = GuardCounts(lamp.loop.counters)
        lap("generated frames")

        progress("realism: classifier generated vs real (\(o.classifier.steps) steps)")
        let generated = Comparison(generated: generatedSet, reference: figures, classifier: o.classifier,
                                       linear: o.linearClassifier, seed: o.seed &+ 11)
        progress("realism: accuracy CNN \(NumberFormat.fixed(generated.classifier.accuracy, 3)), linear \(NumberFormat.fixed(generated.linear.accuracy, 3)); classifiers real vs real")
        let floor = TwoSampleTest.run(reference.b, reference.a, settings: o.classifier, seed: o.seed &+ 13,
                                          splitA: reference.splitB, splitB: reference.splitA)
        let linearFloor = LinearTwoSampleTest.run(reference.b, reference.a, split: o.classifier, settings: o.linearClassifier,
                                                      splitA: reference.splitB, splitB: reference.splitA)
        progress("realism: real-vs-real accuracy CNN \(NumberFormat.fixed(floor.accuracy, 3)), linear \(NumberFormat.fixed(linearFloor.accuracy, 3))")
        let colourFloor = ColourHistogram(reference.b, bins: o.histogramBins).totalVariation(to: figures.histogram)
        let floorMotion = MotionFigures(reference.b, stepSeconds: reference.stepSeconds, frozenFloor: figures.frozenFloor,
                                            blobLagSeconds: o.blobLagSeconds)
        lap("realism and motion")

        // The sphere: every point the loop's renormalization can put the lamp on should decode to a lamp.
        var prior: PriorSamples?
        if o.priorSampleFrames > 0 {
            progress("the sphere: \(o.priorSampleFrames) frames from random renormalized N(0, I) latents vs spaced real frames")
            let spaced = try ReferenceFrames.spaced(o.data, model: model, perSet: o.priorSampleFrames, simulatorSeed: o.simulatorSeed)
            let generator = model.generator, d = c.latentDim, frameValues = c.frameWidth * c.frameHeight * 3
            let p = PriorSamples.run(latentDim: d, decode: { z, k in
                var out = [Float](repeating: 0, count: k * frameValues)
                z.withUnsafeBufferPointer { zb in
                    out.withUnsafeMutableBufferPointer { ob in
                        for i in 0..<k { generator.forward(latent: zb.baseAddress! + i * d, frame: ob.baseAddress! + i * frameValues) }
                    }
                }
                return out
            }, realA: spaced.a, realB: spaced.b, spacingSteps: spaced.spacingSteps, stepSeconds: Double(c.stepSeconds),
               training: spaced.training, seed: o.seed &+ 17, classifier: o.classifier, linearSettings: o.linearClassifier,
               histogramBins: o.histogramBins)
            progress("the sphere: " + p.summary)
            prior = p
            lap("the sphere")
        }

        var mixing: Mixing?
        if o.mixingFrames > 0 {
            progress("mixing: two lamp runs of \(o.mixingFrames) steps from different seeds vs each other, and two stretches of footage")
            let m = try Mixing.run(model: model, source: o.data, frames: o.mixingFrames, burnIn: o.burnInSteps, seed: o.seed,
                                       simulatorSeed: o.simulatorSeed, classifier: o.classifier, linear: o.linearClassifier,
                                       histogramBins: o.histogramBins)
            progress(m.summary)
            mixing = m
            lap("mixing")
        }

        // Endurance: a fresh lamp with the same seed, every step of it.
        progress("endurance: \(NumberFormat.count(o.endurance.steps)) steps in \(o.endurance.windows) windows, \(o.endurance.renderedFrames) frames rendered at the end of each")
        var windowSettings = o.classifier
        windowSettings.steps = o.windowClassifierSteps
        var windowFigures = [Comparison?](repeating: nil, count: o.endurance.windows)
        let enduranceLamp = LampRun(model: model, seed: o.seed)
        let endurance = Endurance.run(enduranceLamp, settings: o.endurance, analyse: { w, frames in
            guard frames.count >= 20 else { return }
            let f = Comparison(generated: frames, reference: figures, classifier: windowSettings, linear: o.linearClassifier,
                                   seed: o.seed &+ 100 &+ UInt64(w))
            windowFigures[w] = f
            progress("endurance: window \(w + 1)/\(o.endurance.windows): accuracy CNN \(NumberFormat.fixed(f.classifier.accuracy, 3)), "
                     + "linear \(NumberFormat.fixed(f.linear.accuracy, 3)), frame change ×\(NumberFormat.fixed(f.medianChangeRatio, 2)), "
                     + "blob speed ×\(NumberFormat.fixed(f.blobSpeedRatio, 2)), moving blocks ×\(NumberFormat.fixed(f.movingFractionRatio, 2)) of real")
        }, progress: progress)
        lap("endurance")

        // The strip: evenly spaced frames of the first generated steps, the last window, the data.
        let k = max(1, o.stripFrames)
        func pick(_ set: FrameSet) -> [[UInt8]] {
            guard set.count > 0 else { return [] }
            let span = min(set.count, max(k, Int((Double(k) * 2.0 / reference.stepSeconds).rounded())))
            return (0..<min(k, set.count)).map { set.rgb($0 * (span - 1) / max(k - 1, 1)) }
        }
        var strip: [(String, [[UInt8]])] = [("generated, steps \(o.burnInSteps + 1)+", pick(generatedSet))]
        if let last = endurance.lastWindowFrames {
            strip.append(("generated, after \(NumberFormat.count(endurance.windows.last!.lastStep - last.count + 1)) steps", pick(last)))
        }
        strip.append(("real (\(o.data == .simulator ? "simulator" : "frames"))", pick(reference.a)))
        if let prior {
            strip.append(("prior samples: random renormalized N(0, I) latents decoded", (0..<min(k, prior.samples.count)).map { prior.samples.rgb($0) }))
        }

        var card = ReportCard(options: o, modelMetadata: model.metadata, config: c, trained: model.isTrained,
                              reference: reference, referenceFigures: figures, realFloor: floor, realFloorLinear: linearFloor,
                              realColourFloor: colourFloor, realFloorMotion: floorMotion,
                              generated: generated, priorSamples: prior, mixing: mixing, generatedGuards: generatedGuards, endurance: endurance,
                              windows: windowFigures,
                              classifierArchitecture: o.classifier.architecture(width: c.frameWidth, height: c.frameHeight),
                              linearClassifierDescription: o.linearClassifier.description(width: c.frameWidth, height: c.frameHeight),
                              generatedChanges: FrameChange(generatedSet).changes,
                              realChanges: FrameChange(reference.a).changes,
                              strip: strip, timings: timings)
        // The clip: the first consecutive stretch of each, as long as both allow.
        let clipLength = min(o.clipSteps, generatedSet.segments.first?.count ?? 0, reference.opening.count)
        if clipLength > 0 {
            card.clip = ((0..<clipLength).map { generatedSet.rgb(generatedSet.segments[0].lowerBound + $0) },
                         Array(reference.opening.prefix(clipLength)))
        }
        card.targets = ReportCardTarget.evaluate(card)
        return card
    }
}
