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
    public var stepSeconds: Float = 0.2

    public static let formatName = "duralava-model"
    public static let formatVersion = 1

    public init() {}

    /// The seed's reference architecture (DESIGN §3) at a given frame size.
    public static func reference(height: Int = 64, width: Int = 64) -> ModelConfig {
        var c = ModelConfig()
        c.frameHeight = height; c.frameWidth = width
        c.baseHeight = height >> c.channels.count; c.baseWidth = width >> c.channels.count
        return c
    }

    public var metadata: [String: String] {
        [
            "format": Self.formatName,
            "format_version": String(Self.formatVersion),
            "kind": "float",
            "latent_dim": String(latentDim),
            "frame_height": String(frameHeight),
            "frame_width": String(frameWidth),
            "generator.base": "\(baseHeight)x\(baseWidth)",
            "generator.channels": channels.map(String.init).joined(separator: ","),
            "generator.kernel": String(kernel),
            "generator.leaky_slope": "\(generatorLeakySlope)",
            "generator.bn_epsilon": "\(batchNormEpsilon)",
            "rnn.hidden": rnnHidden.map(String.init).joined(separator: ","),
            "rnn.leaky_slope": "\(rnnLeakySlope)",
            "rnn.noise_dim": String(rnnNoiseDim),
            "rnn.residual": rnnResidual ? "true" : "false",
            "step_seconds": "\(stepSeconds)",
        ]
    }

    /// Parses and checks the metadata of `path`; every problem names the key.
    public init(metadata m: [String: String], path: String) throws {
        func value(_ key: String) throws -> String {
            guard let v = m[key] else { throw ModelError(path, .metadata, "metadata key \"\(key)\" is missing") }
            return v
        }
        func int(_ key: String, min: Int, max: Int) throws -> Int {
            let s = try value(key)
            guard let v = Int(s), v >= min, v <= max else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected an integer in \(min)...\(max)")
            }
            return v
        }
        func float(_ key: String, min: Float, max: Float) throws -> Float {
            let s = try value(key)
            guard let v = Float(s), v.isFinite, v >= min, v <= max else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected a number in \(min)...\(max)")
            }
            return v
        }
        func list(_ key: String) throws -> [Int] {
            let s = try value(key)
            let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 8192 }) else {
                throw ModelError(path, .metadata, "metadata \"\(key)\" is \"\(s)\", expected comma-separated widths in 1...8192")
            }
            return parts.map { $0! }
        }
        let format = try value("format")
        guard format == Self.formatName else {
            throw ModelError(path, .version, "metadata \"format\" is \"\(format)\", expected \"\(Self.formatName)\"")
        }
        let version = try value("format_version")
        guard version == String(Self.formatVersion) else {
            throw ModelError(path, .version, "format_version \"\(version)\" is not supported (this runtime reads version \(Self.formatVersion))")
        }
        let kind = try value("kind")
        guard kind == "float" else {
            throw ModelError(path, .metadata, "metadata \"kind\" is \"\(kind)\"; this runtime runs \"float\" models")
        }
        latentDim = try int("latent_dim", min: 2, max: 4096)
        frameHeight = try int("frame_height", min: 1, max: 4096)
        frameWidth = try int("frame_width", min: 1, max: 4096)
        let base = try value("generator.base").split(separator: "x").map { Int($0) }
        guard base.count == 2, let bh = base[0], let bw = base[1], bh >= 1, bw >= 1, bh <= 256, bw <= 256 else {
            throw ModelError(path, .metadata, "metadata \"generator.base\" must be HxW, e.g. 4x4")
        }
        baseHeight = bh; baseWidth = bw
        channels = try list("generator.channels")
        guard channels.count <= 10 else {
            throw ModelError(path, .metadata, "metadata \"generator.channels\" lists \(channels.count) layers (at most 10)")
        }
        kernel = try int("generator.kernel", min: 2, max: 9)
        generatorLeakySlope = try float("generator.leaky_slope", min: 0, max: 1)
        batchNormEpsilon = try float("generator.bn_epsilon", min: 0, max: 1)
        rnnHidden = try list("rnn.hidden")
        rnnLeakySlope = try float("rnn.leaky_slope", min: 0, max: 1)
        rnnNoiseDim = try int("rnn.noise_dim", min: 0, max: 4096)
        let residual = try value("rnn.residual")
        guard residual == "true" || residual == "false" else {
            throw ModelError(path, .metadata, "metadata \"rnn.residual\" is \"\(residual)\", expected true or false")
        }
        rnnResidual = residual == "true"
        stepSeconds = try float("step_seconds", min: 0.001, max: 3600)
        let scale = 1 << channels.count
        guard baseHeight * scale == frameHeight, baseWidth * scale == frameWidth else {
            throw ModelError(path, .metadata, "frame \(frameHeight)x\(frameWidth) does not equal base \(baseHeight)x\(baseWidth) × 2^\(channels.count)")
        }
        try ModelLimits.check(self, path: path)
    }
}
