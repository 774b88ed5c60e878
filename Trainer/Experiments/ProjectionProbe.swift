import DuralavaNN
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer

// An experiment on realism (docs/training.md, "Where realism is lost"): every trained lamp's latents drift off the frame
// model's manifold (distance to encode(generate(z)) 0.23-0.34 against the footage's 0.09) and
// decode soft, while reconstructions of real frames pass the classifier. Does putting the
// running latent back onto the manifold, z <- encode(generate(z)) every k steps, make the
// frames pass? The loop is the runtime's (the exported model's RNN and guards); the projection
// uses the trainer's encoder and exported generator; frames are that generator's.

public struct ProjectionProbeResult: Equatable {
    /// Steps between projections (0: never, the lamp as it runs today).
    public var every: Int
    public var cnnAccuracy: Double
    public var linearAccuracy: Double
    /// Generated / real: median per-step frame change, median blob speed, share of moving blocks.
    public var frameChangeRatio: Double
    public var blobSpeedRatio: Double
    public var movingBlocksRatio: Double
    /// RMS distance of the unprojected latents from their projection (the pull's measure).
    public var offManifold: Double
}

public enum ProjectionProbe {
    /// Runs `chains` lamps of `steps` steps (after `burnIn`) from the model's start latents and
    /// compares their frames with `real` (segments of held-out footage).
    public static func run(frames: FramePhase, model: LampModel, real: FrameSet, stepSeconds: Double, every k: Int,
                           chains: Int = 8, steps: Int = 250, burnIn: Int = 100, seed: UInt64) -> ProjectionProbeResult {
        let d = model.config.latentDim
        let gen = frames.exportedGenerator
        var distance = 0.0, distanceCount = 0
        /// The projection of `z`, adding its squared distance (per value) to the running mean.
        func project(_ z: [Float]) -> [Float] {
            let p = frames.project(Tensor(shape: [1, d], values: z)).array
            var s: Float = 0
            for i in 0..<d { s += (z[i] - p[i]) * (z[i] - p[i]) }
            distance += Double(s / Float(d)); distanceCount += 1
            return p
        }
        var latents: [[Float]] = []
        for c in 0..<chains {
            let loop = LatentLoop(rnn: model.rnn, seed: seed &+ UInt64(c), startLatents: model.startLatents)
            loop.reseed()
            var chain: [Float] = []
            for t in 0..<(burnIn + steps) {
                loop.step()
                if k > 0, (t + 1) % k == 0 { loop.reset(to: project(loop.latentArray)) }
                if t >= burnIn { chain += loop.latentArray }
            }
            latents.append(chain)
        }
        if k == 0 {  // the drift the projection would undo, measured on the free-running lamp
            for chain in latents {
                for t in stride(from: 0, to: steps, by: 10) { _ = project(Array(chain[(t * d)..<((t + 1) * d)])) }
            }
        }
        var generated = FrameSet(width: real.width, height: real.height)
        for chain in latents {
            var segment: [Float] = []
            for start in stride(from: 0, to: steps, by: 64) {
                let m = min(64, steps - start)
                let z = Tensor(shape: [m, d], values: Array(chain[(start * d)..<((start + m) * d)]))
                segment += gen.forward(z, state: gen.makeState(), training: false).array
            }
            generated.appendSegment(segment)
        }
        let shown = generated.asDisplayed()
        let cnn = TwoSampleTest.run(shown, real, seed: seed)
        let linear = LinearTwoSampleTest.run(shown, real)
        let change = { (set: FrameSet) in FrameChange(set).distribution.median }
        let speedG = BlobSpeed(shown, stepSeconds: stepSeconds), speedR = BlobSpeed(real, stepSeconds: stepSeconds)
        return ProjectionProbeResult(
            every: k, cnnAccuracy: cnn.accuracy, linearAccuracy: linear.accuracy,
            frameChangeRatio: change(shown) / max(change(real), 1e-12),
            blobSpeedRatio: speedG.distribution.median / max(speedR.distribution.median, 1e-12),
            movingBlocksRatio: speedG.movingFraction / max(speedR.movingFraction, 1e-12),
            offManifold: distanceCount > 0 ? (distance / Double(distanceCount)).squareRoot() : 0)
    }
}
