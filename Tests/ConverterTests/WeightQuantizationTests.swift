import DuralavaConverter
import DuralavaKernels
import DuralavaRuntime
import XCTest

final class WeightQuantizationTests: XCTestCase {
    func testPerLayerRoundTripWithinHalfAStep() {
        let w: [Float] = [0.5, -1.27, 0.001, 1.0, -0.3]
        let q = WeightQuantization(w, channels: 1, perChannel: false) { _ in 0 }
        XCTAssertEqual(q.scales, [1.27 / 127])
        XCTAssertEqual(q.values[1], -127)
        for (a, b) in zip(w, q.dequantized { _ in 0 }) { XCTAssertLessThanOrEqual(abs(a - b), q.scales[0] / 2 + 1e-7) }
    }

    func testPerChannelHelpsWhenChannelsDifferInRange() {
        // Dense [2, 4]: channel 0 is tiny, channel 1 large. Per-layer rounds channel 0 to almost nothing.
        let w: [Float] = [0.001, -0.002, 0.0015, 0.0005, 1, -2, 0.5, 1.5]
        let channelOf: (Int) -> Int = { $0 / 4 }
        let layer = WeightQuantization(w, channels: 2, perChannel: false, channelOf: channelOf)
        let channel = WeightQuantization(w, channels: 2, perChannel: true, channelOf: channelOf)
        XCTAssertEqual(channel.scales.count, 2)
        let tinyLayer = Array(layer.dequantized(channelOf: channelOf).prefix(4)), tinyChannel = Array(channel.dequantized(channelOf: channelOf).prefix(4))
        XCTAssertGreaterThan(signalToQuantizationNoise(Array(w.prefix(4)), tinyChannel),
                             signalToQuantizationNoise(Array(w.prefix(4)), tinyLayer) + 20)
    }

    func testReportCoversEveryWeightTensor() throws {
        var c = ModelConfig()
        c.latentDim = 8; c.frameHeight = 8; c.frameWidth = 8; c.baseHeight = 2; c.baseWidth = 2
        c.channels = [6, 4]; c.rnnHidden = [16]
        let file = try SafetensorsFile(bytes: RandomModel.writer(config: c, seed: 2).serialized(), path: "m")
        let report = try WeightQuantizationReport(file: file)
        XCTAssertEqual(report.rows.map(\.name), ["generator.tconv0.weight", "generator.tconv1.weight", "generator.tconv2.weight",
                                                 "rnn.dense0.weight", "rnn.dense1.weight"])
        for r in report.rows {
            XCTAssertGreaterThan(r.perLayerSQNR, 30, r.name) // Gaussian weights: ~40 dB at 8 bits
            XCTAssertGreaterThanOrEqual(r.perChannelSQNR, r.perLayerSQNR - 0.5, r.name)
        }
    }
}
