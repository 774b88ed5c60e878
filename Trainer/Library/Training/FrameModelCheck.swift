import DuralavaData
import DuralavaNN
import DuralavaMeasure
/// How real the frame model alone is, before any dynamics: the classifier two-sample test of
/// the report card between reconstructions (encode → exported generator) of half the
/// footage's sequences and the real frames of the other half, beside the same test between
/// the real frames of both halves (the floor). If reconstructions already fail, no latent
/// dynamics can pass the report card's realism target; if they pass, what fails there is
/// where the latent loop goes. Both classifier families of the report card are run (the CNN,
/// and the linear model on pixels, colour and sharpness histograms): realism is the worse.
/// Beside the reconstructions, the check decodes random points of the latent sphere (prior
/// samples, `PriorSamples`): the loop keeps the lamp on that sphere, so they must be lamps too.
public struct FrameModelCheck {
    /// The CNN's accuracy, reconstructions vs real, and real vs real (its floor).
    public var reconstructionAccuracy: Double
    public var realAccuracy: Double
    /// The linear family's, the same two tests.
    public var linearReconstructionAccuracy: Double
    public var linearRealAccuracy: Double
    public var framesPerSet: Int
    /// Frames decoded from renormalized N(0, I) latents against spaced real frames (nil when
    /// not asked for).
    public var prior: PriorSamples?

    /// The targets of the frame phase: reconstructions ≤ 0.70 in both families, and the prior
    /// samples' targets (`PriorSamples.passes`) where they were measured.
    public var passes: Bool {
        reconstructionAccuracy <= PriorSamples.accuracyTarget && linearReconstructionAccuracy <= PriorSamples.accuracyTarget
            && (prior?.passes ?? true)
    }

    /// Uses up to `sequencesPerSet` sequences for each side; needs at least `minimumFrames`
    /// frames per side (else nil: too little footage for the chunked split to mean anything).
    /// With `priorFootage` (held-out footage long enough for spaced frames) and `training`
    /// (the footage the model learned from, for the diversity check), prior samples are
    /// measured too.
    public static func run(frames: FramePhase, data: LampSequences, seed: UInt64,
                           settings: ClassifierSettings = ClassifierSettings(),
                           sequencesPerSet: Int = 8, minimumFrames: Int = 1000,
                           priorFootage: LampSequences? = nil, training: LampSequences? = nil,
                           priorFramesPerSet: Int = 600) -> FrameModelCheck? {
        let all = Array(0..<data.sequences.count)
        let even = Array(all.filter { $0 % 2 == 0 }.prefix(sequencesPerSet))
        let odd = Array(all.filter { $0 % 2 == 1 }.prefix(sequencesPerSet))
        guard min(even.count, odd.count) * data.length >= minimumFrames else { return nil }
        let s = data.height, w = data.width, n = data.frameValueCount
        var recon = FrameSet(width: w, height: s)
        let realA = data.frameSet(sequences: even), realB = data.frameSet(sequences: odd)
        let gen = frames.exportedGenerator
        func sequence(_ q: Int) -> Tensor {
            let x = Tensor(shape: [data.length, s, w, 3])
            for t in 0..<data.length { data.copyFrame(sequence: q, step: t, into: x.pointer + t * n) }
            return x
        }
        for q in even { recon.appendSegment(gen.forward(frames.encode(sequence(q)), state: gen.makeState(), training: false).array) }
        let shown = recon.asDisplayed()  // 8-bit, as the report card sees a lamp's frames
        let r = TwoSampleTest.run(shown, realB, settings: settings, seed: seed)
        let floor = TwoSampleTest.run(realA, realB, settings: settings, seed: seed)
        let linear = LinearTwoSampleTest.run(shown, realB, split: settings)
        let linearFloor = LinearTwoSampleTest.run(realA, realB, split: settings)
        var prior: PriorSamples?
        if let priorFootage, let training {
            let d = frames.arch.latentDim
            prior = PriorSamples.run(latentDim: d, decode: { z, k in
                let t = Tensor(shape: [k, d])
                for i in 0..<(k * d) { t.pointer[i] = z[i] }
                return gen.forward(t, state: gen.makeState(), training: false).array
            }, heldOut: priorFootage, training: training, framesPerSet: priorFramesPerSet, seed: seed, classifier: settings)
        }
        return FrameModelCheck(reconstructionAccuracy: r.accuracy, realAccuracy: floor.accuracy,
                               linearReconstructionAccuracy: linear.accuracy, linearRealAccuracy: linearFloor.accuracy,
                               framesPerSet: recon.count, prior: prior)
    }
}
