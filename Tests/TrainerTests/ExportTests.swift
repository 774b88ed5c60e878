// The exported model file, loaded by the runtime, renders the same frame as the trainer.

import DuralavaNN
import TestSupport
import XCTest
import Foundation
import DuralavaTrainer
import DuralavaRuntime

final class ExportTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    func testRuntimeFrameEqualsTrainerForward() throws {
        var rng = RandomGenerator(seed: 11)
        let generator = SeedArchitecture.generator(rng: &rng)
        let rnn = SeedArchitecture.rnn(rng: &rng)
        // Give BatchNorm non-trivial affine parameters and running statistics that match the
        // activations (as after training): the batch statistics of 64 latents.
        for case let bn as DuralavaNN.BatchNorm in generator.layers {
            rng.fillGaussian(bn.gamma.value.buffer, mean: 1, std: 0.2)
            rng.fillGaussian(bn.beta.value.buffer, std: 0.2)
        }
        let state = generator.makeState() as! SequentialState
        _ = generator.forward(randomTensor([64, 64], seed: rng.next()), state: state, training: true)
        for (layer, s) in zip(generator.layers, state.states) {
            guard let bn = layer as? DuralavaNN.BatchNorm, let bs = s as? BatchNormState else { continue }
            for c in 0..<bn.channels {
                bn.runningMean.value[c] = bs.mean[c]
                bn.runningVariance.value[c] = 1 / (bs.inverseStd[c] * bs.inverseStd[c]) - bn.epsilon
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duralava-export-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try LampModelExport.write(generator: generator, rnn: rnn, to: path,
                                  options: LampExportOptions(trained: false, extraMetadata: ["provenance.data": "test"]))

        let model = try LampModel(path: path)
        XCTAssertEqual(model.config, ModelConfig.reference())
        XCTAssertEqual(model.metadata["provenance.data"], "test")
        XCTAssertFalse(model.isTrained)

        let latents = randomTensor([3, 64], seed: 12)
        let frames = generator(latents, training: false)
        var worst: Float = 0
        for b in 0..<3 {
            let z = Array(latents.slice(batch: b..<(b + 1)).buffer)
            let runtimeFrame = model.generator.frame(for: z)
            worst = max(worst, maxAbsDifference(runtimeFrame, Array(frames.slice(batch: b..<(b + 1)).buffer)))
        }
        XCTAssertLessThanOrEqual(worst, 1e-5, "runtime frame vs trainer forward")

        // One RNN step, then renormalisation, agrees too.
        let y = rnn(latents.slice(batch: 0..<1))
        var runtimeY = [Float](repeating: 0, count: 64)
        let z0 = Array(latents.slice(batch: 0..<1).buffer)
        z0.withUnsafeBufferPointer { z in runtimeY.withUnsafeMutableBufferPointer { model.rnn.step(z.baseAddress!, noise: nil, into: $0.baseAddress!) } }
        XCTAssertLessThanOrEqual(maxAbsDifference(runtimeY, y.array), 1e-5)
        let zNext = DuralavaNN.Renormalize()(y)
        runtimeY.withUnsafeMutableBufferPointer { _ = renormalize($0.baseAddress!, count: 64) }
        XCTAssertLessThanOrEqual(maxAbsDifference(runtimeY, zNext.array), 1e-5)
    }

    func testSmallGeneratorWithoutBatchNormExports() throws {
        var rng = RandomGenerator(seed: 13)
        let g = SeedArchitecture.generator(latentDim: 8, base: 2, channels: [6, 4], batchNorm: false, rng: &rng)
        let r = SeedArchitecture.rnn(latentDim: 8, noiseDim: 2, hidden: [16], rng: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duralava-export-small-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try LampModelExport.write(generator: g, rnn: r, to: path, options: LampExportOptions(noiseDim: 2))
        let model = try LampModel(path: path)
        XCTAssertEqual(model.config.frameHeight, 8)
        XCTAssertEqual(model.config.rnnNoiseDim, 2)
        let z = randomTensor([1, 8], seed: 14)
        XCTAssertLessThanOrEqual(maxAbsDifference(model.generator.frame(for: z.array), g(z).array), 1e-5)
    }

    /// A tall lamp (base 3 high × 2 wide → 12×8 frames): height and width must not swap on
    /// the way from the trainer through the file to the runtime.
    func testNonSquareGeneratorExportsAndRendersTheSameFrame() throws {
        var rng = RandomGenerator(seed: 15)
        let g = SeedArchitecture.generator(latentDim: 8, baseHeight: 3, baseWidth: 2, channels: [6, 4], batchNorm: false, rng: &rng)
        let r = SeedArchitecture.rnn(latentDim: 8, noiseDim: 2, hidden: [16], rng: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duralava-export-tall-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try LampModelExport.write(generator: g, rnn: r, to: path, options: LampExportOptions(noiseDim: 2))
        let model = try LampModel(path: path)
        XCTAssertEqual([model.config.frameHeight, model.config.frameWidth], [12, 8])
        XCTAssertEqual([model.config.baseHeight, model.config.baseWidth], [3, 2])
        let z = randomTensor([1, 8], seed: 16)
        let trainerFrame = g(z)
        XCTAssertEqual(trainerFrame.shape, [1, 12, 8, 3])
        XCTAssertLessThanOrEqual(maxAbsDifference(model.generator.frame(for: z.array), trainerFrame.array), 1e-5)
    }

    /// The numbers in the model file's metadata are the shortest text that reads back as the
    /// same Float ("0.2", not "0.200000003"): the bytes of an exported file stay the same.
    func testMetadataNumbersAreShortestFloatText() throws {
        var rng = RandomGenerator(seed: 16)
        let g = SeedArchitecture.generator(latentDim: 4, base: 2, channels: [4], rng: &rng)
        let r = SeedArchitecture.rnn(latentDim: 4, hidden: [8], rng: &rng)
        typealias K = ModelSchema.Key
        for (step, text) in [(Float(0.2), "0.2"), (0.1, "0.1"), (1e-5, "1e-05"), (0.125, "0.125"), (3, "3.0"), (1.0 / 3, "0.33333334")] {
            let m = try LampModelExport.makeWriter(generator: g, rnn: r, options: LampExportOptions(stepSeconds: step)).metadata
            XCTAssertEqual(m[K.stepSeconds], text)
            XCTAssertEqual(m[K.generatorLeakySlope], "0.2")
            XCTAssertEqual(m[K.rnnLeakySlope], "0.2")
            XCTAssertEqual(m[K.generatorBatchNormEpsilon], "0.001")
        }
    }

    func testExportRejectsOtherArchitectures() {
        var rng = RandomGenerator(seed: 15)
        let g = DuralavaNN.Sequential(name: "g", [DuralavaNN.Dense(inputSize: 4, outputSize: 4, rng: &rng)])
        let r = SeedArchitecture.rnn(latentDim: 4, hidden: [8], rng: &rng)
        XCTAssertThrowsError(try LampModelExport.makeWriter(generator: g, rnn: r, options: LampExportOptions())) {
            XCTAssertTrue("\($0)".contains("generator"), "\($0)")
        }
        let good = SeedArchitecture.generator(latentDim: 4, base: 2, channels: [4], rng: &rng)
        let wrongRNN = SeedArchitecture.rnn(latentDim: 5, hidden: [8], rng: &rng)
        XCTAssertThrowsError(try LampModelExport.makeWriter(generator: good, rnn: wrongRNN, options: LampExportOptions()))
    }
}
