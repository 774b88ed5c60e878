import DuralavaKernels

/// The latent RNN of a lamp, on float or on int8 weights (the file's `kind`), behind one
/// interface for the loop.
public enum LatentRNN {
    case float(FloatLatentRNN)
    case int8(Int8LatentRNN)

    /// A float RNN from its layers (tests and tools build small ones by hand).
    public init(latentDim: Int, noiseDim: Int, residual: Bool, layers: [Dense], leakySlope: Float) {
        self = .float(FloatLatentRNN(latentDim: latentDim, noiseDim: noiseDim, residual: residual,
                                     layers: layers, leakySlope: leakySlope))
    }

    public init(file: SafetensorsFile, config: ModelConfig) throws(ModelError) {
        switch config.kind {
        case .float: self = .float(try FloatLatentRNN(file: file, config: config))
        case .int8: self = .int8(try Int8LatentRNN(file: file, config: config))
        }
    }

    public var latentDim: Int {
        switch self { case .float(let r): return r.latentDim; case .int8(let r): return r.latentDim }
    }
    public var noiseDim: Int {
        switch self { case .float(let r): return r.noiseDim; case .int8(let r): return r.noiseDim }
    }
    public var noiseCorrelation: Float {
        switch self { case .float(let r): return r.noiseCorrelation; case .int8(let r): return r.noiseCorrelation }
    }
    public var residual: Bool {
        switch self { case .float(let r): return r.residual; case .int8(let r): return r.residual }
    }
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet {
        get { switch self { case .float(let r): return r.kernels; case .int8(let r): return r.kernels } }
        nonmutating set { switch self { case .float(let r): r.kernels = newValue; case .int8(let r): r.kernels = newValue } }
    }

    public var multiplyAdds: Int {
        switch self { case .float(let r): return r.multiplyAdds; case .int8(let r): return r.multiplyAdds }
    }

    /// One step before renormalization. `noise` must hold `noiseDim` values (may be nil if 0).
    public func step(_ z: UnsafePointer<Float>, noise: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        switch self {
        case .float(let r): r.step(z, noise: noise, into: y)
        case .int8(let r): r.step(z, noise: noise, into: y)
        }
    }
}
