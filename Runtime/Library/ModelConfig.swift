import DuralavaKernels
/// The architecture of a lamp model, read from (and written to) the file's metadata.
public struct ModelConfig: Equatable {
    public var latentDim: Int = 64
    public var frameHeight: Int = 64
    public var frameWidth: Int = 64
    public var baseHeight: Int = 4
    public var baseWidth: Int = 4
    public var channels: [Int] = [256, 128, 64, 32]
    public var kernel: Int = 4
    public var generatorLeakySlope: Float = 0.2
    public var batchNormEpsilon: Float = 0.001
    public var rnnHidden: [Int] = [512, 512]
    public var rnnLeakySlope: Float = 0.2
    public var rnnNoiseDim: Int = 0
    public var rnnResidual: Bool = false
    /// Lag-1 correlation of the RNN's noise between steps (0: fresh noise every step); see
    /// `CorrelatedNoise`. Written to the file only when it is not 0.
    public var rnnNoiseCorrelation: Float = 0
    public var stepSeconds: Float = 0.2
    /// The footage's median per-step frame change, where the trainer recorded it (nil: older
    /// or imported models): the stall guard's floor and the health check's yardstick.
    public var footageFrameChange: Float? = nil
    /// Float weights, or int8 weights with their quantization tensors.
    public var kind: ModelKind = .float

    public init() {}

    /// The seed's reference architecture (docs/design.md#the-reference-system) at a given frame size.
    public static func reference(height: Int = 64, width: Int = 64) -> ModelConfig {
        var c = ModelConfig()
        c.frameHeight = height; c.frameWidth = width
        c.baseHeight = height >> c.channels.count; c.baseWidth = width >> c.channels.count
        return c
    }

    public var metadata: [String: String] {
        typealias K = ModelSchema.Key
        var m = architectureMetadata
        if let footageFrameChange { m[K.footageFrameChange] = "\(footageFrameChange)" }
        if rnnNoiseCorrelation != 0 { m[K.rnnNoiseCorrelation] = "\(rnnNoiseCorrelation)" }
        return m
    }

    private var architectureMetadata: [String: String] {
        typealias K = ModelSchema.Key
        return [
            K.format: ModelSchema.formatName,
            K.formatVersion: String(ModelSchema.formatVersion),
            K.kind: kind.rawValue,
            K.latentDim: String(latentDim),
            K.frameHeight: String(frameHeight),
            K.frameWidth: String(frameWidth),
            K.generatorBase: "\(baseHeight)x\(baseWidth)",
            K.generatorChannels: channels.map(String.init).joined(separator: ","),
            K.generatorKernel: String(kernel),
            K.generatorLeakySlope: "\(generatorLeakySlope)",
            K.generatorBatchNormEpsilon: "\(batchNormEpsilon)",
            K.rnnHidden: rnnHidden.map(String.init).joined(separator: ","),
            K.rnnLeakySlope: "\(rnnLeakySlope)",
            K.rnnNoiseDim: String(rnnNoiseDim),
            K.rnnResidual: rnnResidual ? "true" : "false",
            K.stepSeconds: "\(stepSeconds)",
        ]
    }

    /// Parses and checks the metadata of `path`; every problem names the key.
    public init(metadata m: [String: String], path: String) throws(ModelError) {
        typealias K = ModelSchema.Key
        func value(_ key: String) throws(ModelError) -> String {
            guard let v = m[key] else { throw ModelError(path, .metadata, "metadata key \"\(key)\" is missing") }
            return v
        }
        func int(_ key: String, min: Int, max: Int) throws(ModelError) -> Int {
            let s = try value(key)
            guard let v = Int(s), v >= min, v <= max else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected an integer in \(min)...\(max)")
            }
            return v
        }
        func float(_ key: String, min: Float, max: Float) throws(ModelError) -> Float {
            let s = try value(key)
            guard let v = Float(s), v.isFinite, v >= min, v <= max else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected a number in \(min)...\(max)")
            }
            return v
        }
        func list(_ key: String) throws(ModelError) -> [Int] {
            let s = try value(key)
            let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 8192 }) else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected comma-separated widths in 1...8192")
            }
            return parts.map { $0! }
        }
        let format = try value(K.format)
        guard format == ModelSchema.formatName else {
            throw ModelError(path, .version, "metadata \"format\" is \"\(format)\", expected \"\(ModelSchema.formatName)\"")
        }
        let version = try value(K.formatVersion)
        guard version == String(ModelSchema.formatVersion) else {
            throw ModelError(path, .version, "format_version \"\(version)\" is not supported (this runtime reads version \(ModelSchema.formatVersion))")
        }
        let kindName = try value(K.kind)
        guard let kind = ModelKind(rawValue: kindName) else {
            throw ModelError(path, .metadata, "metadata \"kind\" is \"\(kindName)\", expected \"float\" or \"int8\"")
        }
        self.kind = kind
        latentDim = try int(K.latentDim, min: 2, max: 4096)
        frameHeight = try int(K.frameHeight, min: 1, max: 4096)
        frameWidth = try int(K.frameWidth, min: 1, max: 4096)
        let base = try value(K.generatorBase).split(separator: "x").map { Int($0) }
        guard base.count == 2, let bh = base[0], let bw = base[1], bh >= 1, bw >= 1, bh <= 256, bw <= 256 else {
            throw ModelError(path, .metadata, "metadata \"generator.base\" must be HxW, e.g. 4x4")
        }
        baseHeight = bh; baseWidth = bw
        channels = try list(K.generatorChannels)
        guard channels.count <= 10 else {
            throw ModelError(path, .metadata, "metadata \"generator.channels\" lists \(channels.count) layers (at most 10)")
        }
        kernel = try int(K.generatorKernel, min: 2, max: 9)
        generatorLeakySlope = try float(K.generatorLeakySlope, min: 0, max: 1)
        batchNormEpsilon = try float(K.generatorBatchNormEpsilon, min: 0, max: 1)
        rnnHidden = try list(K.rnnHidden)
        rnnLeakySlope = try float(K.rnnLeakySlope, min: 0, max: 1)
        rnnNoiseDim = try int(K.rnnNoiseDim, min: 0, max: 4096)
        let residual = try value(K.rnnResidual)
        guard residual == "true" || residual == "false" else {
            throw ModelError(path, .metadata, "metadata \"rnn.residual\" is \"\(residual)\", expected true or false")
        }
        rnnResidual = residual == "true"
        stepSeconds = try float(K.stepSeconds, min: 0.001, max: 3600)
        if m[K.footageFrameChange] != nil { footageFrameChange = try float(K.footageFrameChange, min: 1e-7, max: 1) }
        if m[K.rnnNoiseCorrelation] != nil { rnnNoiseCorrelation = try float(K.rnnNoiseCorrelation, min: 0, max: 0.999) }
        let scale = 1 << channels.count
        guard baseHeight * scale == frameHeight, baseWidth * scale == frameWidth else {
            throw ModelError(path, .metadata, "frame \(frameHeight)x\(frameWidth) does not equal base \(baseHeight)x\(baseWidth) × 2^\(channels.count)")
        }
        try ModelLimits.check(self, path: path)
    }
}

extension ModelConfig {
    /// Every generator layer's geometry as FORMAT.md fixes it: tconv0 maps the 1×1 latent with
    /// kernel = stride = base; the rest are kernel×kernel at stride 2; the last gives 3 channels.
    /// The loaders and the random model all walk this one list.
    public var generatorLayers: [TransposedConvGeometry] {
        var layers: [TransposedConvGeometry] = []
        var h = 1, w = 1, cin = latentDim
        for (i, cout) in (channels + [3]).enumerated() {
            let kh = i == 0 ? baseHeight : kernel, kw = i == 0 ? baseWidth : kernel
            let g = TransposedConvGeometry(inputHeight: h, inputWidth: w, inputChannels: cin, outputChannels: cout,
                                           kernelHeight: kh, kernelWidth: kw, strideHeight: i == 0 ? kh : 2, strideWidth: i == 0 ? kw : 2)
            layers.append(g)
            h = g.outputHeight; w = g.outputWidth; cin = cout
        }
        return layers
    }
}
