import DuralavaKernels

/// The frame generator of a lamp, on float or on int8 weights (the file's `kind`). Callers
/// see one interface; the switch costs nothing next to a frame.
public enum Generator {
    case float(FloatGenerator)
    case int8(Int8Generator)

    public init(file: SafetensorsFile, config: ModelConfig) throws(ModelError) {
        switch config.kind {
        case .float: self = .float(try FloatGenerator(file: file, config: config))
        case .int8: self = .int8(try Int8Generator(file: file, config: config))
        }
    }

    public var config: ModelConfig {
        switch self { case .float(let g): return g.config; case .int8(let g): return g.config }
    }

    public var frameValueCount: Int { config.frameHeight * config.frameWidth * 3 }

    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet {
        get { switch self { case .float(let g): return g.kernels; case .int8(let g): return g.kernels } }
        nonmutating set { switch self { case .float(let g): g.kernels = newValue; case .int8(let g): g.kernels = newValue } }
    }

    public var multiplyAdds: Int {
        switch self { case .float(let g): return g.multiplyAdds; case .int8(let g): return g.multiplyAdds }
    }

    /// Writes H×W×3 values in [0,1] (channels-last, top row first) for `latent` into `frame`.
    public func forward(latent: UnsafePointer<Float>, frame: UnsafeMutablePointer<Float>) {
        switch self {
        case .float(let g): g.forward(latent: latent, frame: frame)
        case .int8(let g): g.forward(latent: latent, frame: frame)
        }
    }

    /// A generator on the same weights with buffers of its own, for another thread.
    public func sharingWeights() -> Generator {
        switch self { case .float(let g): return .float(g.sharingWeights()); case .int8(let g): return .int8(g.sharingWeights()) }
    }

    public func frame(for latent: [Float]) -> [Float] {
        precondition(latent.count == config.latentDim)
        var out = [Float](repeating: 0, count: frameValueCount)
        latent.withUnsafeBufferPointer { z in
            out.withUnsafeMutableBufferPointer { forward(latent: z.baseAddress!, frame: $0.baseAddress!) }
        }
        return out
    }
}
