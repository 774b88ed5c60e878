/// A loaded lamp: its architecture, generator and latent RNN, plus the file's metadata.
public final class LampModel {
    public let path: String
    public let config: ModelConfig
    public let metadata: [String: String]
    public let generator: Generator
    public let rnn: LatentRNN
    /// Optional `rnn.start_latents` [K, latent_dim]: states the lamp (re)starts from.
    public let startLatents: [Float]

    /// True unless the file says it was never trained (`trained` = `false`).
    public var isTrained: Bool { metadata[ModelSchema.Key.trained] != "false" }
    /// Float or int8 weights.
    public var kind: ModelKind { config.kind }

    /// "float" or "int8 (per-layer weight scales, fixed-point requantization)".
    public var kindDescription: String {
        switch kind {
        case .float: return "float"
        case .int8:
            return "int8 (\(metadata[ModelSchema.Key.quantizationScheme] ?? "per-layer") weight scales, int32 accumulators, fixed-point requantization)"
        }
    }

    public convenience init(path: String) throws(ModelError) {
        let file = try SafetensorsFile(path: path)
        try self.init(file: file)
    }

    public init(file: SafetensorsFile) throws(ModelError) {
        path = file.path
        metadata = file.metadata
        config = try ModelConfig(metadata: file.metadata, path: file.path)
        generator = try Generator(file: file, config: config)
        rnn = try LatentRNN(file: file, config: config)
        if let info = file.tensors[ModelSchema.RNN.startLatents] {
            guard info.shape.count == 2, info.shape[0] >= 1, info.shape[1] == config.latentDim else {
                throw ModelError(file.path, .shape, "tensor \"rnn.start_latents\" has shape \(shapeText(info.shape)), expected [K, \(config.latentDim)]")
            }
            startLatents = try file.floats(ModelSchema.RNN.startLatents)
        } else {
            startLatents = []
        }
    }
}
