import DuralavaData
import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer
import Foundation
import TestSupport
import XCTest

/// Phase 2's pixel critic (an experiment, docs/training.md): rollout latents decoded by the frozen generator, judged
/// against real frames, the generator-side loss back-propagated into the latents.
final class PixelCriticTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    let preset = TrainingPreset.tiny

    func tinyData(seed: UInt64 = 5) -> LampSequences {
        LampSequences.simulated(count: 2, length: 12, width: 16, height: 16, stepSeconds: 0.2, seed: seed)
    }

    /// Real frames of `data`, drawn like the trainer draws them.
    func realFrames(_ data: LampSequences) -> (Int, inout RandomGenerator) -> Tensor {
        { count, rng in
            let batch = Tensor(shape: [count, 16, 16, 3])
            for i in 0..<count {
                data.copyFrame(sequence: rng.int(below: data.sequences.count), step: rng.int(below: data.length),
                               into: batch.pointer + i * data.frameValueCount)
            }
            return batch
        }
    }

    func renormalizedLatents(_ n: Int, seed: UInt64) -> Tensor {
        let d = preset.arch.latentDim
        let z = randomTensor([n, d], seed: seed)
        for i in 0..<n { DuralavaRuntime.renormalize(z.pointer + i * d, count: d) }
        return z
    }

    /// latent → frozen generator (inference mode) → blur → critic → weighted BCE: the latent
    /// gradient matches central differences, and the generator's and critic's parameters get
    /// none. Directional derivatives along random directions at h = 1e-3: coordinate by
    /// coordinate, the float32 forward of two deep networks with LeakyReLU kinks is too noisy
    /// (the networks' own whole-network `checkGradients` fails the same way at h = 1e-2); along
    /// a direction the float32 roundoff of the loss (~0.69, ulp 6e-8, forward error a few
    /// hundred ulp) is ~1e-4 in a derivative of 0.005–0.05, hence the absolute 5e-4.
    func testLatentGradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 11)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        let generator = frames.exportedGenerator
        let critic = PixelCritic(arch: preset.arch, blurRadius: 1, rng: &rng)
        let z = randomTensor([4, preset.arch.latentDim], seed: 12)
        let weight: Float = 3
        func loss(_ z: Tensor) -> Double {
            let d = PixelCritic.decode(z, with: generator)
            return Double(critic.generatorSide(frames: d.frames, decodeState: d.state, generator: generator, weight: weight).loss)
        }
        zeroGradients(generator.parameters + critic.parameters)
        let decoded = PixelCritic.decode(z, with: generator)
        let analytic = critic.generatorSide(frames: decoded.frames, decodeState: decoded.state, generator: generator,
                                            weight: weight).latentGradient.clone()
        XCTAssertEqual(analytic.shape, z.shape)
        for p in generator.parameters + critic.parameters where p.isTrainable {
            XCTAssertTrue(p.gradient.array.allSatisfy { $0 == 0 }, "\(p.name) received a gradient: the networks are frozen here")
        }
        let largest = checkDirectionalDerivatives(at: z, analytic: analytic, directions: 6, seed: 100,
                                                  tolerance: GradientCheckTolerance(absolute: 5e-4, relative: 3e-2), loss: loss)
        XCTAssertGreaterThan(largest, 0.02, "the check has derivatives well above its tolerance to compare")
    }

    /// The analytic gradient's derivative along random directions against central differences
    /// at h = 1e-3; returns the largest numeric derivative seen.
    func checkDirectionalDerivatives(at z: Tensor, analytic: Tensor, directions: Int, seed: UInt64,
                                     tolerance: GradientCheckTolerance, loss: (Tensor) -> Double,
                                     file: StaticString = #filePath, line: UInt = #line) -> Double {
        var largest = 0.0
        for k in 0..<directions {
            let v = randomTensor(z.shape, seed: seed + UInt64(k))
            var directional = 0.0
            for i in 0..<v.count { directional += Double(analytic[i]) * Double(v[i]) }
            let h: Float = 1e-3, up = z.clone(), down = z.clone()
            for i in 0..<v.count { up[i] += h * v[i]; down[i] -= h * v[i] }
            let numeric = (loss(up) - loss(down)) / Double(2 * h)
            largest = max(largest, abs(numeric))
            XCTAssertTrue(tolerance.accepts(directional, numeric), "direction \(k): analytic \(directional), numeric \(numeric)",
                          file: file, line: line)
        }
        return largest
    }

    /// On a fixed pair of sets (real simulator frames, and frames of a random-weight
    /// generator) the critic's loss falls as it is updated.
    func testCriticLearnsToSeparate() {
        var rng = RandomGenerator(seed: 21)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        let critic = PixelCritic(arch: preset.arch, blurRadius: 0, rng: &rng)
        let data = tinyData()
        var draw = RandomGenerator(seed: 22)
        let real = realFrames(data)(16, &draw)
        let fake = PixelCritic.decode(renormalizedLatents(16, seed: 23), with: frames.exportedGenerator).frames
        var losses: [Float] = []
        for _ in 0..<150 { losses.append(critic.update(real: real, fake: fake, learningRate: 2e-4, realLabel: 0.9)) }
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        // With one-sided smoothing at 0.9 the best possible loss is the real label's entropy, 0.325.
        XCTAssertGreaterThan(first, 1.0, "an untrained critic is near chance (2·log 2 = 1.39)")
        XCTAssertLessThan(last, 0.6, "the critic separates the sets: \(first) → \(last)")
    }

    func makePhase(pixelCriticWeight: Float, seed: UInt64 = 4, wire: Bool = true) -> (DynamicsPhase, FramePhase) {
        var rng = RandomGenerator(seed: seed)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        var settings = preset.dynamics
        settings.pixelCriticWeight = pixelCriticWeight
        settings.pixelCriticSamples = 8
        let phase = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
        let data = tinyData()
        phase.encodeFootage(data, with: frames)
        phase.projection = { frames.project($0) }
        if wire {
            phase.decoder = frames.exportedGenerator
            phase.realFrames = realFrames(data)
        }
        return (phase, frames)
    }

    /// Pairs put frame j's pixel beside frame m + j's in the channels, and unpair undoes it.
    func testPairsInterleaveChannelsAndUnpairInvertsThem() {
        let frames = randomTensor([4, 3, 5, 3], seed: 41)
        let pairs = PixelCritic.pairs(frames)
        XCTAssertEqual(pairs.shape, [2, 3, 5, 6])
        // Pair 1, pixel (2, 4): channels 0–2 from frame 1, 3–5 from frame 3.
        let p = 2 * 5 + 4
        for c in 0..<3 {
            XCTAssertEqual(pairs[(1 * 15 + p) * 6 + c], frames[(1 * 15 + p) * 3 + c])
            XCTAssertEqual(pairs[(1 * 15 + p) * 6 + 3 + c], frames[(3 * 15 + p) * 3 + c])
        }
        XCTAssertEqual(PixelCritic.unpair(pairs).array, frames.array)
    }

    /// The pair critic's latent gradient (both frames of each pair) matches central differences
    /// along random directions, as the single-frame test above. Through the 6-channel critic the
    /// float32 loss is noisier (differences come in steps of 1.2e-4 at h = 1e-3, and the central
    /// difference moves by ~1e-3 between h = 1e-3 and 3e-4), hence the absolute 1.5e-3, with
    /// derivatives up to 0.07 to compare (8 pairs, so BatchNorm is not at a batch of 2).
    func testPairLatentGradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 13)
        let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        let generator = frames.exportedGenerator
        let critic = PixelCritic(arch: preset.arch, blurRadius: 0, pairs: true, rng: &rng)
        let z = randomTensor([16, preset.arch.latentDim], seed: 14)
        func loss(_ z: Tensor) -> Double {
            let d = PixelCritic.decode(z, with: generator)
            return Double(critic.generatorSide(pairsOf: d.frames, decodeState: d.state, generator: generator, weight: 3).loss)
        }
        let decoded = PixelCritic.decode(z, with: generator)
        let analytic = critic.generatorSide(pairsOf: decoded.frames, decodeState: decoded.state, generator: generator,
                                            weight: 3).latentGradient.clone()
        XCTAssertEqual(analytic.shape, z.shape)
        let largest = checkDirectionalDerivatives(at: z, analytic: analytic, directions: 8, seed: 200,
                                                  tolerance: GradientCheckTolerance(absolute: 1.5e-3, relative: 3e-2), loss: loss)
        XCTAssertGreaterThan(largest, 0.05, "the check has derivatives well above its tolerance to compare")
    }

    /// With a lag the phase draws footage pairs that far apart, its critic takes 6 channels, and
    /// its gradient reaches the RNN.
    func testPairCriticStepDrawsFootagePairsAndTrainsTheRNN() {
        let (phase, frames) = makePhase(pixelCriticWeight: 0)
        var settings = phase.settings
        settings.pixelCriticWeight = 1; settings.pixelCriticSamples = 4; settings.pixelCriticLag = 3
        var rng = RandomGenerator(seed: 4)
        let pairs = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
        pairs.encodeFootage(tinyData(), with: frames)
        let c0 = preset.arch.criticChannels[0]
        XCTAssertEqual(pairs.pixelCritic?.critic.parameters.first.map { $0.value.count / (4 * 4 * c0) }, 6,
                       "conv0 takes six input channels (4x4 kernels)")
        var lags: [Int] = []
        let draw = pairs.realFramePairs!
        pairs.realFramePairs = { count, lag, rng in lags.append(lag); return draw(count, lag, &rng) }
        let before = pairs.rnn.parameters.map { $0.value.array }
        var r = RandomGenerator(seed: 9)
        let l = pairs.step(rng: &r)
        XCTAssertEqual(lags, [3])
        XCTAssertGreaterThan(l.pixelCritic, 0)
        XCTAssertGreaterThan(l.pixelAdversarial, 0)
        XCTAssertNotEqual(pairs.rnn.parameters.map { $0.value.array }, before)
    }

    /// Weight 0 (the default): no critic is built, and a phase with the decoder and real
    /// frames wired in takes exactly the steps of one without them.
    func testWeightZeroChangesNothing() {
        let (off, _) = makePhase(pixelCriticWeight: 0, wire: true)
        let (plain, _) = makePhase(pixelCriticWeight: 0, wire: false)
        XCTAssertNil(off.pixelCritic)
        XCTAssertEqual(off.parameters.map(\.name), plain.parameters.map(\.name))
        XCTAssertEqual(Set(off.optimizers.keys), ["dynamics.rnn", "dynamics.critic"])
        var ra = RandomGenerator(seed: 6), rb = RandomGenerator(seed: 6)
        for _ in 0..<4 {
            let a = off.step(rng: &ra), b = plain.step(rng: &rb)
            XCTAssertEqual(a.adversarial.bitPattern, b.adversarial.bitPattern)
            XCTAssertEqual(a.critic.bitPattern, b.critic.bitPattern)
            XCTAssertEqual(a.manifoldDistance.bitPattern, b.manifoldDistance.bitPattern)
            XCTAssertEqual(a.pixelCritic, 0); XCTAssertEqual(a.pixelAdversarial, 0)
        }
        XCTAssertEqual(ra, rb, "no extra random draws")
        for (p, q) in zip(off.parameters, plain.parameters) { XCTAssertEqual(p.value.array, q.value.array, p.name) }

        // With a weight the critic exists, the RNN starts from the same weights, and the steps differ.
        let (on, _) = makePhase(pixelCriticWeight: 1)
        XCTAssertNotNil(on.pixelCritic)
        let (fresh, _) = makePhase(pixelCriticWeight: 0, wire: false)
        XCTAssertEqual(on.rnn.parameters.map { $0.value.array }, fresh.rnn.parameters.map { $0.value.array })
        var rc = RandomGenerator(seed: 6), rd = RandomGenerator(seed: 6)
        let c = on.step(rng: &rc)
        _ = fresh.step(rng: &rd)
        XCTAssertGreaterThan(c.pixelCritic, 0)
        XCTAssertGreaterThan(c.pixelAdversarial, 0)
        XCTAssertNotEqual(on.rnn.parameters.map { $0.value.array }, fresh.rnn.parameters.map { $0.value.array },
                          "the pixel critic's gradient reaches the RNN")
    }

    /// The pixel critic alone steers the rollouts: with every other RNN loss off and the "real"
    /// frames all one frame (decoded from a fixed latent), the decoded rollouts come closer to it.
    func testPixelCriticSteersDecodedRolloutsTowardsTheRealFrames() {
        let (phase, frames) = makePhase(pixelCriticWeight: 0)
        var settings = phase.settings
        settings.pixelCriticWeight = 1; settings.pixelCriticSamples = 16
        settings.manifoldWeight = 0; settings.predictionWeight = 0; settings.momentWeight = 0
        settings.learningRate = 1e-3; settings.criticLearningRate = 1e-3
        var rng = RandomGenerator(seed: 4)
        let pixel = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
        pixel.encodeFootage(tinyData(), with: frames)
        let generator = frames.exportedGenerator
        let target = PixelCritic.decode(renormalizedLatents(1, seed: 31), with: generator).frames
        pixel.decoder = generator
        pixel.realFrames = { count, _ in
            let t = Tensor(shape: [count, 16, 16, 3])
            for i in 0..<count { (t.pointer + i * target.count).update(from: target.pointer, count: target.count) }
            return t
        }
        func distance() -> Double {
            // Mean squared pixel distance of decoded rollouts (16 steps from data latents) from the target.
            var r = RandomGenerator(seed: 77)
            let model = pixel.rnn, d = preset.arch.latentDim, nd = preset.arch.rnnNoiseDim
            let z = Tensor(shape: [16, d])
            for i in 0..<16 {
                pixel.trajectories[i % 2].withUnsafeBufferPointer { (z.pointer + i * d).update(from: $0.baseAddress! + (i % 10) * d, count: d) }
            }
            for _ in 0..<6 {
                let x = Tensor(shape: [16, d + nd])
                for i in 0..<16 {
                    (x.pointer + i * (d + nd)).update(from: z.pointer + i * d, count: d)
                    for k in 0..<nd { x.pointer[i * (d + nd) + d + k] = r.gaussian() }
                }
                let delta = model.forward(x, state: model.makeState(), training: false)
                for i in 0..<(16 * d) { z.pointer[i] += delta.pointer[i] }
                for i in 0..<16 { DuralavaRuntime.renormalize(z.pointer + i * d, count: d) }
            }
            let f = PixelCritic.decode(z, with: generator).frames
            var s = 0.0
            for i in 0..<f.count { let e = Double(f.pointer[i] - target.pointer[i % target.count]); s += e * e }
            return s / Double(f.count)
        }
        let before = distance()
        for _ in 0..<300 {
            // Transition critic off (zero weights, no input gradient after one small update):
            // its gradient would pull towards the footage's pairs.
            for p in pixel.critic.trainableParameters { p.value.fill(0) }
            _ = pixel.step(rng: &rng)
        }
        let after = distance()
        XCTAssertLessThan(after, 0.7 * before, "decoded rollouts' distance from the real frame: \(before) → \(after)")
    }

    /// Against decoded footage latents, the critic judges only what the RNN changes: rollouts
    /// that stay on footage latents (an RNN that outputs 0, every start a footage latent) are
    /// inseparable from its real set, while against the footage's frames (a random-weight
    /// generator decodes them as nothing like a lamp) it separates them at once.
    func testAgainstDecodedFootageJudgesOnlyTheLatents() {
        func criticLoss(decodedReal: Bool) -> (Float, Int) {
            let (phase, _) = makePhase(pixelCriticWeight: 1)
            var calls = 0
            let draw = phase.realFrames!
            phase.realFrames = { count, rng in calls += 1; return draw(count, &rng) }
            phase.settings.pixelCriticAgainstDecodedFootage = decodedReal
            phase.settings.resetProbability = 1
            phase.settings.learningRate = 0
            phase.settings.criticLearningRate = 1e-3
            for p in phase.rnn.trainableParameters { p.value.fill(0) }
            var rng = RandomGenerator(seed: 8)
            var losses: [Float] = []
            for _ in 0..<150 { losses.append(phase.step(rng: &rng).pixelCritic) }
            return (losses.suffix(20).reduce(0, +) / 20, calls)
        }
        let decoded = criticLoss(decodedReal: true), frames = criticLoss(decodedReal: false)
        XCTAssertEqual(decoded.1, 0, "no footage frames drawn")
        XCTAssertEqual(frames.1, 150)
        XCTAssertGreaterThan(decoded.0, 1.1, "same distribution on both sides: near chance (1.39 at the start)")
        XCTAssertLessThan(frames.0, 0.6, "footage frames against a random generator's: separated")
    }

    /// A run with the pixel critic resumes exactly (its weights and Adam state are in the
    /// checkpoint); a checkpoint without it (every run before it) loads into a run with it,
    /// and one with it into a run without it.
    func testCheckpointsRoundTrip() throws {
        var withCritic = TrainingPreset.tiny
        withCritic.dynamics.pixelCriticWeight = 1
        withCritic.dynamics.pixelCriticSamples = 8
        let data = LampSequences.simulated(count: 4, length: 40, width: 16, height: 16, stepSeconds: 0.2, seed: 7)
        let a = temporaryDirectory(prefix: "duralava-pixel-a-"), b = temporaryDirectory(prefix: "duralava-pixel-b-")
        let straight = try LampTrainer(preset: withCritic, data: data, directory: a, seed: 5) { _ in }
        try straight.run()
        let first = try LampTrainer(preset: withCritic, data: data, directory: b, seed: 5) { _ in }
        XCTAssertFalse(try first.run(stopAfter: 70))
        let file = try SafetensorsFile(path: b + "/checkpoint.safetensors")
        XCTAssertTrue(file.tensors.keys.contains { $0.hasPrefix("param.pixel_critic.") }, "the critic's weights are saved")
        XCTAssertTrue(file.tensors.keys.contains { $0.hasPrefix("opt.dynamics.pixel_critic.") }, "and its Adam state")
        let second = try LampTrainer(preset: withCritic, data: data, directory: b, seed: 99) { _ in }
        try second.resume()
        try second.run()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a + "/model.safetensors")),
                       try Data(contentsOf: URL(fileURLWithPath: b + "/model.safetensors")),
                       "resumed with the critic's state, the run lands where the straight one did")
        for (p, q) in zip(straight.dynamics.pixelCritic!.parameters, second.dynamics.pixelCritic!.parameters) {
            XCTAssertEqual(p.value.array, q.value.array, p.name)
        }

        // Old (no critic) → with critic: loads, the critic keeps its fresh weights.
        let c = temporaryDirectory(prefix: "duralava-pixel-c-")
        let old = try LampTrainer(preset: .tiny, data: data, directory: c, seed: 5) { _ in }
        XCTAssertFalse(try old.run(stopAfter: 70))
        let upgraded = try LampTrainer(preset: withCritic, data: data, directory: c, seed: 5) { _ in }
        let freshCritic = upgraded.dynamics.pixelCritic!.parameters.map { $0.value.array }
        try upgraded.resume()
        XCTAssertEqual(upgraded.step, 70)
        XCTAssertEqual(upgraded.dynamics.pixelCritic!.parameters.map { $0.value.array }, freshCritic)
        XCTAssertEqual(upgraded.dynamics.rnn.parameters.map { $0.value.array }, old.dynamics.rnn.parameters.map { $0.value.array })
        // With critic → without: loads, its tensors unread.
        let plain = try LampTrainer(preset: .tiny, data: data, directory: b, seed: 5) { _ in }
        try plain.resume()
        XCTAssertEqual(plain.dynamics.rnn.parameters.map { $0.value.array }, second.dynamics.rnn.parameters.map { $0.value.array })
    }

    /// Present in part is an error, not a silent fresh start.
    func testOptionalNetworkPresentInPartIsRefused() throws {
        let path = temporaryDirectory(prefix: "duralava-pixel-ckpt-") + "/c.safetensors"
        let w = Parameter(name: "w", shape: [2]), o1 = Parameter(name: "opt1", shape: [3]), o2 = Parameter(name: "opt2", shape: [1])
        try Checkpoint.save(to: path, parameters: [w, o1], step: 1)
        XCTAssertThrowsError(try Checkpoint.load(from: path, parameters: [w], optionalParameters: [o1, o2])) { error in
            XCTAssertTrue("\(error)".contains("\"param.opt2\" is missing"), "\(error)")
        }
        XCTAssertNoThrow(try Checkpoint.load(from: path, parameters: [w, o1], optionalParameters: [o2]))
        XCTAssertThrowsError(try Checkpoint.load(from: path, parameters: [w]), "an unknown tensor is still refused")
        XCTAssertNoThrow(try Checkpoint.load(from: path, parameters: [w], ignoredPrefixes: ["param.opt"]))
    }
}
