import DuralavaKernels
import DuralavaRuntime

/// How well each weight tensor of a float model survives int8 quantization, per-layer and
/// per-output-channel: the measurement that chooses between the two schemes (docs/design.md#quantization).
public struct WeightQuantizationReport {
    public struct Row {
        public let name: String
        public let shape: [Int]
        public let maxAbs: Float
        public let perLayerSQNR: Double
        public let perChannelSQNR: Double
    }

    public let rows: [Row]

    /// Every weight tensor of the model file (`*.weight`); the output channel axis is the
    /// third of a transposed convolution [kh, kw, cout, cin] and the first of a dense [out, in].
    public init(file: SafetensorsFile) throws {
        var rows: [Row] = []
        for name in file.tensors.keys.sorted() where name.hasSuffix(".weight") {
            let info = file.tensors[name]!
            let w = try file.floats(name)
            let shape = info.shape
            let channels: Int
            let channelOf: (Int) -> Int
            if shape.count == 4 {
                channels = shape[2]
                let cin = shape[3]
                channelOf = { ($0 / cin) % channels }
            } else if shape.count == 2 {
                channels = shape[0]
                let cin = shape[1]
                channelOf = { $0 / cin }
            } else {
                continue
            }
            let layer = WeightQuantization(w, channels: channels, perChannel: false, channelOf: channelOf)
            let channel = WeightQuantization(w, channels: channels, perChannel: true, channelOf: channelOf)
            rows.append(Row(name: name, shape: shape, maxAbs: w.map(abs).max() ?? 0,
                            perLayerSQNR: signalToQuantizationNoise(w, layer.dequantized(channelOf: channelOf)),
                            perChannelSQNR: signalToQuantizationNoise(w, channel.dequantized(channelOf: channelOf))))
        }
        self.rows = rows
    }
}
