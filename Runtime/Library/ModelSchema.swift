/// Every tensor name and metadata key of a duralava model file, in one place (FORMAT.md).
/// The runtime's loaders, the trainer's export, the random model and the converter all spell
/// names through here.
public enum ModelSchema {
    public static let formatName = "duralava-model"
    public static let formatVersion = 1

    /// Metadata keys (values are strings).
    public enum Key {
        public static let format = "format"
        public static let formatVersion = "format_version"
        public static let kind = "kind"
        public static let latentDim = "latent_dim"
        public static let frameHeight = "frame_height"
        public static let frameWidth = "frame_width"
        public static let generatorBase = "generator.base"
        public static let generatorChannels = "generator.channels"
        public static let generatorKernel = "generator.kernel"
        public static let generatorLeakySlope = "generator.leaky_slope"
        public static let generatorBatchNormEpsilon = "generator.bn_epsilon"
        public static let rnnHidden = "rnn.hidden"
        public static let rnnLeakySlope = "rnn.leaky_slope"
        public static let rnnNoiseDim = "rnn.noise_dim"
        public static let rnnResidual = "rnn.residual"
        /// Lag-1 correlation ρ of the RNN's noise from step to step (optional; absent: 0, fresh
        /// noise every step): noise_t = ρ·noise_t−1 + √(1 − ρ²)·ε_t.
        public static let rnnNoiseCorrelation = "rnn.noise_correlation"
        public static let stepSeconds = "step_seconds"
        /// Median per-step frame change of the footage the model learned from (mean absolute
        /// pixel difference, 0–1): what the lamp's motion is judged against. Optional.
        public static let footageFrameChange = "motion.footage_frame_change"
        public static let trained = "trained"
        public static let description = "description"
        /// int8 models: `per-layer` or `per-channel` weight scales.
        public static let quantizationScheme = "quantization.scheme"
        /// int8 models: how activation ranges were calibrated (one sentence).
        public static let quantizationCalibration = "quantization.calibration"
        /// int8 models: the activations stored as int16 (16×8 mode), comma separated; the rest
        /// are int8. Allowed: `generator.input` and hidden `generator.tconv{i}.output`.
        public static let quantizationInt16Activations = "quantization.int16_activations"
        /// int8 models: the float model they were quantized from.
        public static let quantizationSource = "quantization.source"
    }

    /// Generator tensors; `i` counts the transposed convolutions from 0.
    public enum Generator {
        public static func weight(_ i: Int) -> String { "generator.tconv\(i).weight" }
        public static func bias(_ i: Int) -> String { "generator.tconv\(i).bias" }
        public static func batchNormGamma(_ i: Int) -> String { "generator.bn\(i).gamma" }
        public static func batchNormBeta(_ i: Int) -> String { "generator.bn\(i).beta" }
        public static func batchNormMean(_ i: Int) -> String { "generator.bn\(i).mean" }
        public static func batchNormVariance(_ i: Int) -> String { "generator.bn\(i).var" }
        /// int8: per-layer [1] or per-output-channel [C] weight scales.
        public static func weightScale(_ i: Int) -> String { "generator.tconv\(i).weight_scale" }
        /// int8: the quantization of layer i's output (after its LeakyReLU; logits for the last).
        public static func output(_ i: Int) -> String { "generator.tconv\(i).output" }
        /// int8: the quantization of the latent fed to the generator.
        public static let input = "generator.input"
    }

    /// Latent RNN tensors; `j` counts the dense layers from 0.
    public enum RNN {
        public static func weight(_ j: Int) -> String { "rnn.dense\(j).weight" }
        public static func bias(_ j: Int) -> String { "rnn.dense\(j).bias" }
        public static func weightScale(_ j: Int) -> String { "rnn.dense\(j).weight_scale" }
        public static func output(_ j: Int) -> String { "rnn.dense\(j).output" }
        /// int8: the quantization of [z, noise].
        public static let input = "rnn.input"
        public static let startLatents = "rnn.start_latents"
    }

    /// int8: an activation's quantization is two one-element tensors, `<name>.scale` (F32) and
    /// `<name>.zero_point` (I32).
    public static func scale(of activation: String) -> String { activation + ".scale" }
    public static func zeroPoint(of activation: String) -> String { activation + ".zero_point" }
}

/// Float weights, or int8 weights with fixed-point requantization.
public enum ModelKind: String, Equatable {
    case float
    case int8
}
