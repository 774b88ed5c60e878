import DuralavaMeasure
/// How real the frame model alone is, before any dynamics: the classifier two-sample test of
/// the report card between reconstructions (encode → exported generator) of half the
/// footage's sequences and the real frames of the other half, beside the same test between
/// the real frames of both halves (the floor). If reconstructions already fail, no latent
/// dynamics can pass the report card's realism target; if they pass, what fails there is
/// where the latent loop goes.
public struct FrameModelCheck: Equatable {
    public var reconstructionAccuracy: Double
    public var realAccuracy: Double
    public var framesPerSet: Int

    /// Uses up to `sequencesPerSet` sequences for each side; needs at least `minimumFrames`
    /// frames per side (else nil: too little footage for the chunked split to mean anything).
    public static func run(frames: FramePhase, data: LampSequences, seed: UInt64,
                           settings: EvalClassifierSettings = EvalClassifierSettings(),
                           sequencesPerSet: Int = 8, minimumFrames: Int = 1000) -> FrameModelCheck? {
        let all = Array(0..<data.sequences.count)
        let even = Array(all.filter { $0 % 2 == 0 }.prefix(sequencesPerSet))
        let odd = Array(all.filter { $0 % 2 == 1 }.prefix(sequencesPerSet))
        guard min(even.count, odd.count) * data.length >= minimumFrames else { return nil }
        let s = data.height, w = data.width, n = data.frameValueCount
        var recon = EvalFrameSet(width: w, height: s), realA = EvalFrameSet(width: w, height: s)
        var realB = EvalFrameSet(width: w, height: s)
        let gen = frames.exportedGenerator
        func sequence(_ q: Int) -> Tensor {
            let x = Tensor(shape: [data.length, s, w, 3])
            for t in 0..<data.length { data.copyFrame(sequence: q, step: t, into: x.pointer + t * n) }
            return x
        }
        for q in even {
            let x = sequence(q)
            recon.appendSegment(gen.forward(frames.encode(x), state: gen.makeState(), training: false).array)
            realA.appendSegment(x.array)
        }
        for q in odd { realB.appendSegment(sequence(q).array) }
        let r = EvalTwoSampleTest.run(recon, realB, settings: settings, seed: seed)
        let floor = EvalTwoSampleTest.run(realA, realB, settings: settings, seed: seed)
        return FrameModelCheck(reconstructionAccuracy: r.accuracy, realAccuracy: floor.accuracy, framesPerSet: recon.count)
    }
}
