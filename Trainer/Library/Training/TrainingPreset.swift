/// Named sizes of a training run: the architecture, the footage, and how long each phase runs.
public struct TrainingPreset: Equatable {
    public var name: String
    public var arch: LampArchitecture
    public var frame: FramePhase.Settings
    public var dynamics: DynamicsPhase.Settings
    public var frameSteps: Int
    public var dynamicsSteps: Int
    /// Footage: simulator runs × steps per run.
    public var sequences: Int
    public var sequenceLength: Int
    public var stepSeconds: Double = 0.2
    public var sampleEvery: Int
    public var checkpointEvery: Int

    public static func named(_ name: String, frameSize: (width: Int, height: Int)? = nil) throws -> TrainingPreset {
        var p: TrainingPreset
        switch name {
        case "default": p = .standard
        case "tiny": p = .tiny
        default: throw TrainingError("unknown preset \"\(name)\" (expected default or tiny)")
        }
        if let frameSize { p.arch.frameWidth = frameSize.width; p.arch.frameHeight = frameSize.height }
        try p.arch.validate()
        return p
    }

    /// The shipped lamp: the reference generator (docs/design.md#the-reference-system) at 64×64, a stochastic RNN.
    /// Both phases are the recipe measured best in docs/training.md ("The shipped model").
    public static var standard: TrainingPreset {
        // Frames: reconstruction, then a critic on decoded prior samples (R1 penalty, no batch
        // norm in the critic) and codes pulled to N(0, I) by MMD with latent noise, so random
        // points of the sphere decode to lamps: prior-sample CNN 0.975 where squared error alone
        // gave 0.988, reconstructions 0.568 (docs/training.md, "The sphere").
        var f = FramePhase.Settings()
        f.reconstructionOnlySteps = 1500; f.adversarialWeight = 2; f.adversarialPriorOnly = true
        f.priorSamples = 16; f.latentNoise = 0.15; f.latentMMDWeight = 10
        f.criticGradientPenalty = 1; f.criticBatchNorm = false
        // Dynamics: correlated RNN noise (rho 0.9) gives the steps a direction to keep, and
        // without the manifold pull the RNN keeps it: persistence 0.775 (footage 0.71), the
        // card 10/17 where fresh noise with the pull gave 8/17 ("Motion without persistence").
        var d = DynamicsPhase.Settings()
        d.learningRate = 2e-4; d.criticLearningRate = 2e-4; d.momentWeight = 1; d.rawStdWeight = 10
        d.noiseCorrelation = 0.9; d.manifoldWeight = 0
        return TrainingPreset(name: "default", arch: LampArchitecture(), frame: f,
                       dynamics: d, frameSteps: 6000, dynamicsSteps: 4000,
                       sequences: 48, sequenceLength: 250, sampleEvery: 250, checkpointEvery: 250)
    }

    /// For tests: 16×16 frames and narrow networks; trains end to end in seconds.
    public static var tiny: TrainingPreset {
        var a = LampArchitecture()
        a.frameWidth = 16; a.frameHeight = 16; a.latentDim = 8
        a.generatorChannels = [16, 8]; a.encoderChannels = [8, 16]; a.criticChannels = [8, 16]
        a.criticFeatures = 16; a.rnnHidden = [32]; a.rnnNoiseDim = 4; a.transitionCriticHidden = [32]
        var f = FramePhase.Settings(); f.batch = 8; f.emaDecay = 0.9
        f.reconstructionOnlySteps = 20; f.adversarialRampSteps = 10
        var d = DynamicsPhase.Settings(); d.batch = 16; d.horizon = 6
        return TrainingPreset(name: "tiny", arch: a, frame: f, dynamics: d, frameSteps: 60, dynamicsSteps: 60,
                              sequences: 4, sequenceLength: 40, sampleEvery: 30, checkpointEvery: 40)
    }
}
