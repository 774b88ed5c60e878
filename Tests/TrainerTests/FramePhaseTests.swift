import DuralavaData
import DuralavaNN
import DuralavaMeasure
import DuralavaTrainer
import TestSupport
import XCTest

/// The frame phase's schedule (reconstruction only, then the critic ramps in) and the
/// BatchNorm recalibration that makes inference match training.
final class FramePhaseTests: XCTestCase {
    func testRecalibratedInferenceMatchesTrainingForward() {
        var rng = RandomGenerator(seed: 11)
        let net = Sequential(name: "net", [
            Conv2D(name: "conv", inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 1, padding: .same,
                   useBias: true, rng: &rng),
            BatchNorm(name: "bn0", channels: 8),
            LeakyReLU(name: "act", slope: 0.2),
            Flatten(name: "flatten"),
            Dense(name: "dense", inputSize: 8 * 8 * 8, outputSize: 16, rng: &rng),
            BatchNorm(name: "bn1", channels: 16),
        ])
        let x = Tensor(shape: [256, 8, 8, 3])
        rng.fillGaussian(x.buffer)
        for i in 0..<x.count { x.pointer[i] = 3 * x.pointer[i] + 2 }  // far from the initial 0/1 statistics
        let trainingOutput = net.forward(x, state: net.makeState(), training: true).clone()
        let weightsBefore = net.parameters.filter(\.isTrainable).map { $0.value.array }
        let stale = net.forward(x, state: net.makeState(), training: false).clone()
        XCTAssertGreaterThan(maxDifference(stale, trainingOutput), 0.5, "initial running statistics do not fit this input")

        recalibrateBatchNorm(net, input: x)
        let inference = net.forward(x, state: net.makeState(), training: false)
        // Running variance is unbiased (n/(n−1)), training uses the biased one: ≈ 0.2 % for n = 256.
        XCTAssertLessThan(maxDifference(inference, trainingOutput), 0.02)
        XCTAssertEqual(net.parameters.filter(\.isTrainable).map { $0.value.array }, weightsBefore, "weights untouched")
        for case let bn as BatchNorm in net.layers { XCTAssertEqual(bn.momentum, 0.99, "momentum restored") }
    }

    /// The gradient difference loss joins the reconstruction when its weight is set, and only
    /// then: the same step with weight 0 reports 0 and trains exactly as before.
    func testGradientDifferenceLossActsOnlyWhenWeighted() {
        let preset = TrainingPreset.tiny
        let data = LampSequences.simulated(count: 2, length: 10, width: 16, height: 16, stepSeconds: 0.2, seed: 3)
        func oneStep(_ weight: Float) -> (FramePhase.Losses, [[Float]]) {
            var settings = preset.frame
            settings.gradientDifferenceWeight = weight
            var rng = RandomGenerator(seed: 2)
            let phase = FramePhase(arch: preset.arch, settings: settings, rng: &rng)
            let l = phase.step(data: data, rng: &rng)
            return (l, phase.generator.parameters.map { $0.value.array })
        }
        let (off, offWeights) = oneStep(0), (on, onWeights) = oneStep(50)
        XCTAssertEqual(off.gradientDifference, 0)
        XCTAssertGreaterThan(on.gradientDifference, 0)
        XCTAssertEqual(on.reconstruction, off.reconstruction, "the same forward pass")
        XCTAssertNotEqual(onWeights, offWeights, "the loss reaches the generator")
    }

    /// The frame statistics loss joins on the reconstructions and the prior samples when its
    /// weight is set, and only then.
    func testFrameStatisticsLossActsOnlyWhenWeighted() {
        assertActsOnlyWhenWeighted(weight: \.frameStatisticsWeight, loss: \.frameStatistics)
    }

    func testNeighbourDifferenceLossActsOnlyWhenWeighted() {
        assertActsOnlyWhenWeighted(weight: \.neighbourDifferenceWeight, loss: \.neighbourDifference)
    }

    /// A frame-phase loss on the reconstructions and prior samples: zero and without effect at
    /// weight 0; weighted, it reaches the generator and the prior samples' pixels.
    private func assertActsOnlyWhenWeighted(weight: WritableKeyPath<FramePhase.Settings, Float>, loss: KeyPath<FramePhase.Losses, Float>,
                                            file: StaticString = #filePath, line: UInt = #line) {
        let preset = TrainingPreset.tiny
        let data = LampSequences.simulated(count: 2, length: 10, width: 16, height: 16, stepSeconds: 0.2, seed: 3)
        func oneStep(_ w: Float) -> (FramePhase.Losses, [[Float]], [Float]) {
            var settings = preset.frame
            settings[keyPath: weight] = w
            settings.priorSamples = 4
            var rng = RandomGenerator(seed: 2)
            let phase = FramePhase(arch: preset.arch, settings: settings, rng: &rng)
            let l = phase.step(data: data, rng: &rng)
            return (l, phase.generator.parameters.map { $0.value.array }, phase.pixelGradient.array)
        }
        let (off, offWeights, offPixels) = oneStep(0), (on, onWeights, onPixels) = oneStep(5)
        XCTAssertEqual(off[keyPath: loss], 0, file: file, line: line)
        XCTAssertGreaterThan(on[keyPath: loss], 0, file: file, line: line)
        XCTAssertEqual(on.reconstruction, off.reconstruction, "the same forward pass", file: file, line: line)
        XCTAssertNotEqual(onWeights, offWeights, "the loss reaches the generator", file: file, line: line)
        // The prior samples' frames (after the 16 reconstructions) get a gradient only with the loss on.
        let perFrame = offPixels.count / (preset.frame.batch + 4)
        let priorStart = preset.frame.batch * perFrame
        XCTAssertEqual(offPixels[priorStart...].filter { $0 != 0 }.count, 0, file: file, line: line)
        XCTAssertGreaterThan(onPixels[priorStart...].filter { $0 != 0 }.count, 0, file: file, line: line)
    }

    func testCriticStaysOffDuringReconstructionOnlyStepsThenRampsIn() {
        let preset = TrainingPreset.tiny
        var settings = preset.frame
        settings.reconstructionOnlySteps = 3
        settings.adversarialRampSteps = 4
        settings.adversarialWeight = 0.2
        var rng = RandomGenerator(seed: 2)
        let phase = FramePhase(arch: preset.arch, settings: settings, rng: &rng)
        let data = LampSequences.simulated(count: 2, length: 10, width: 16, height: 16, stepSeconds: 0.2, seed: 3)
        let criticBefore = phase.critic.parameters.map { $0.value.array }
        var weights: [Float] = []
        for _ in 0..<3 {
            weights.append(phase.currentAdversarialWeight)
            let l = phase.step(data: data, rng: &rng)
            XCTAssertEqual(l.critic, 0); XCTAssertEqual(l.adversarial, 0)
            XCTAssertGreaterThan(l.reconstruction, 0)
        }
        XCTAssertEqual(phase.critic.parameters.map { $0.value.array }, criticBefore, "critic untouched")
        for _ in 0..<6 {
            weights.append(phase.currentAdversarialWeight)
            let l = phase.step(data: data, rng: &rng)
            XCTAssertGreaterThan(l.critic, 0); XCTAssertGreaterThan(l.adversarial, 0)
        }
        XCTAssertNotEqual(phase.critic.parameters.map { $0.value.array }, criticBefore, "critic trained")
        let expected: [Float] = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2]
        for (w, e) in zip(weights, expected) { XCTAssertEqual(w, e, accuracy: 1e-6) }
    }

    /// With --adversarial-prior-only the critic's gradient reaches only the prior samples: with
    /// the squared error off, the reconstructions get no pixel gradient at all (they do when the
    /// critic judges them too), while the prior samples do and the critic trains.
    func testPriorOnlyCriticLeavesTheReconstructionsToTheSquaredError() {
        func gradients(priorOnly: Bool) -> (reconstructions: Float, prior: Float, critic: Float) {
            let preset = TrainingPreset.tiny
            var f = preset.frame
            f.priorSamples = 4; f.adversarialPriorOnly = priorOnly; f.adversarialWeight = 1
            f.reconstructionOnlySteps = 0; f.adversarialRampSteps = 1; f.reconstructionWeight = 0
            var rng = RandomGenerator(seed: 5)
            let phase = FramePhase(arch: preset.arch, settings: f, rng: &rng)
            let data = LampSequences.simulated(count: 2, length: 20, width: 16, height: 16, stepSeconds: 0.2, seed: 2)
            let criticBefore = phase.critic.trainableParameters.map { $0.value.array }
            let l = phase.step(data: data, rng: &rng)
            XCTAssertTrue(l.critic.isFinite && l.adversarial > 0)
            let b = f.batch, g = phase.pixelGradient
            func largest(_ t: Tensor) -> Float { t.array.map(abs).max() ?? 0 }
            let critic = zip(criticBefore, phase.critic.trainableParameters)
                .map { b, p in zip(b, p.value.array).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            return (largest(g.slice(batch: 0..<b)), largest(g.slice(batch: b..<(b + 4))), critic)
        }
        let priorOnly = gradients(priorOnly: true), all = gradients(priorOnly: false)
        XCTAssertEqual(priorOnly.reconstructions, 0, "the critic's gradient does not reach the reconstructions")
        XCTAssertGreaterThan(priorOnly.prior, 0)
        XCTAssertGreaterThan(priorOnly.critic, 0)
        XCTAssertGreaterThan(all.reconstructions, 0, "judging every decoded frame puts a gradient on the reconstructions")
    }

    func testFrameModelCheckTellsAnUntrainedFrameModelFromRealFrames() throws {
        let preset = TrainingPreset.tiny
        var rng = RandomGenerator(seed: 8)
        let phase = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        let data = LampSequences.simulated(count: 4, length: 300, width: 16, height: 16, stepSeconds: 0.2, seed: 9)
        var settings = ClassifierSettings(); settings.steps = 200
        let c = try XCTUnwrap(FrameModelCheck.run(frames: phase, data: data, seed: 1, settings: settings, minimumFrames: 500))
        XCTAssertEqual(c.framesPerSet, 600)
        XCTAssertGreaterThan(c.reconstructionAccuracy, 0.9, "untrained reconstructions are told apart")
        XCTAssertLessThan(c.realAccuracy, 0.8, "real halves are not")
        XCTAssertGreaterThan(c.linearReconstructionAccuracy, 0.9, "nor by the linear family")
        XCTAssertLessThan(c.linearRealAccuracy, 0.8)
        XCTAssertNil(FrameModelCheck.run(frames: phase, data: data, seed: 1, settings: settings, minimumFrames: 601),
                     "too little footage")
    }

    private func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        var m: Float = 0
        for i in 0..<a.count { m = max(m, abs(a.pointer[i] - b.pointer[i])) }
        return m
    }
}

/// The sphere's test (PriorSamples) and its diversity check.
final class PriorSampleCheckTests: XCTestCase {
    func testAnUntrainedGeneratorsPriorSamplesAreToldApartAndTheCheckFails() throws {
        let preset = TrainingPreset.tiny
        var rng = RandomGenerator(seed: 8)
        let phase = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
        let data = LampSequences.simulated(count: 4, length: 300, width: 16, height: 16, stepSeconds: 0.2, seed: 9)
        let heldOut = LampSequences.simulated(count: 40, length: 200, width: 16, height: 16, stepSeconds: 0.2, seed: 90)
        var settings = ClassifierSettings(); settings.steps = 200
        let c = try XCTUnwrap(FrameModelCheck.run(frames: phase, data: data, seed: 1, settings: settings, minimumFrames: 500,
                                                  priorFootage: heldOut, training: data, priorFramesPerSet: 200))
        let p = try XCTUnwrap(c.prior)
        XCTAssertEqual(p.framesPerSet, 200)
        XCTAssertEqual(p.spacingSteps, 20, "4 lamp-seconds at 0.2 s a step")
        XCTAssertEqual(p.samples.count, 200)
        XCTAssertEqual(p.samples.segments.count, 200, "each sample is its own chunk for the split")
        XCTAssertGreaterThan(p.cnn.accuracy, 0.9, "untrained decodings are told apart")
        XCTAssertGreaterThan(p.linear.accuracy, 0.9)
        XCTAssertLessThan(p.cnnFloor.accuracy, 0.8, "spaced real sets are not")
        XCTAssertGreaterThan(p.colourDistance, 2 * p.colourFloor)
        XCTAssertFalse(p.passes)
        XCTAssertFalse(c.passes)
    }

    func testSpacingShrinksForShortFootage() {
        let short = LampSequences.simulated(count: 4, length: 100, width: 16, height: 16, stepSeconds: 0.2, seed: 1)
        XCTAssertEqual(PriorSamples.spacing(for: short, targetSeconds: 4, minimumPerSet: 50), 4,
                       "2 sequences of 100 steps per half give 50 frames only 4 steps apart")
        XCTAssertEqual(PriorSamples.spacing(for: short, targetSeconds: 0.4, minimumPerSet: 10), 2)
        let set = PriorSamples.spacedFrames(short, sequences: [0, 2], spacing: 25, limit: 7)
        XCTAssertEqual(set.count, 7)
        XCTAssertEqual(set.frame(1), PriorSamples.spacedFrames(short, sequences: [2], spacing: 25, limit: 1).frame(0),
                       "frames go round the sequences, step by step")
    }

    func testDiversityFlagsMemorisedAndCollapsedSamples() {
        let data = LampSequences.simulated(count: 6, length: 200, width: 16, height: 16, stepSeconds: 0.2, seed: 3)
        let training = PriorSamples.spacedFrames(data, sequences: [0, 1, 2, 3], spacing: 2, limit: 400)
        let heldOut = PriorSamples.spacedFrames(data, sequences: [4, 5], spacing: 10, limit: 40)
        let honest = Diversity(samples: PriorSamples.spacedFrames(data, sequences: [5, 4], spacing: 10, limit: 40),
                                   heldOut: heldOut, training: training)
        XCTAssertTrue(honest.passes, honest.summary)
        let copies = PriorSamples.spacedFrames(data, sequences: [0, 1], spacing: 10, limit: 40)
        let memorised = Diversity(samples: copies, heldOut: heldOut, training: training)
        XCTAssertTrue(memorised.memorises, memorised.summary)
        var collapsed = FrameSet(width: 16, height: 16)
        let one = heldOut.frame(3)
        for _ in 0..<40 { one.withUnsafeBufferPointer { collapsed.append(frame: $0.baseAddress!, newSegment: true) } }
        let few = Diversity(samples: collapsed, heldOut: heldOut, training: training)
        XCTAssertTrue(few.collapses, few.summary)
        XCTAssertFalse(few.passes)
    }
}
