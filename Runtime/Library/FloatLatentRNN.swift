import DuralavaKernels

/// The latent recurrent network on float weights: x = [z, noise] → dense → LeakyReLU → … →
/// dense → y. The caller (LatentLoop) renormalizes; `residual` models add z before that.
public final class FloatLatentRNN {
    public let latentDim: Int
    public let noiseDim: Int
    /// Lag-1 correlation of the noise the loop feeds it (the file's `rnn.noise_correlation`).
    public var noiseCorrelation: Float = 0
    public let residual: Bool
    public let leakySlope: Float
    /// The optimized layers, LeakyReLU fused into the hidden ones: the only copy of the
    /// weights a running lamp holds.
    private let packed: [PackedDense]
    /// The reference layers, read back from the packed ones when first asked for.
    public private(set) lazy var layers: [Dense] = packed.map { $0.reference }
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet = .optimized
    private let input: UnsafeMutableBufferPointer<Float>
    private let bufferA: UnsafeMutableBufferPointer<Float>
    private let bufferB: UnsafeMutableBufferPointer<Float>

    public convenience init(latentDim: Int, noiseDim: Int, residual: Bool, layers: [Dense], leakySlope: Float) {
        self.init(latentDim: latentDim, noiseDim: noiseDim, residual: residual,
                  packed: layers.indices.map { Self.pack(layers[$0], last: $0 == layers.count - 1, leakySlope) }, leakySlope: leakySlope)
        self.layers = layers
    }

    private static func pack(_ layer: Dense, last: Bool, _ slope: Float) -> PackedDense {
        PackedDense(layer, activation: last ? .none : .leakyReLU(slope: slope))
    }

    private init(latentDim: Int, noiseDim: Int, residual: Bool, packed: [PackedDense], leakySlope: Float) {
        precondition(packed.first?.inputCount == latentDim + noiseDim && packed.last?.outputCount == latentDim)
        self.latentDim = latentDim; self.noiseDim = noiseDim; self.residual = residual
        self.packed = packed; self.leakySlope = leakySlope
        input = .allocate(capacity: latentDim + noiseDim)
        let widest = packed.map { $0.outputCount }.max()!
        bufferA = .allocate(capacity: widest)
        bufferB = .allocate(capacity: widest)
    }

    deinit { input.deallocate(); bufferA.deallocate(); bufferB.deallocate() }

    public var multiplyAdds: Int { packed.reduce(0) { $0 + $1.inputCount * $1.outputCount } }

    /// One step before renormalization. `noise` must hold `noiseDim` values (may be nil if 0).
    /// `visit(j, output)` sees each layer's output after its activation (and, for the last
    /// layer, before the residual add): the converter calibrates on it.
    @inline(__always)
    public func step(_ z: UnsafePointer<Float>, noise: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                     visit: (Int, UnsafeBufferPointer<Float>) -> Void = { _, _ in }) {
        let x = input.baseAddress!
        x.update(from: z, count: latentDim)
        if noiseDim > 0 { (x + latentDim).update(from: noise!, count: noiseDim) }
        visit(-1, UnsafeBufferPointer(input))
        var src = UnsafePointer(x)
        for (i, layer) in packed.enumerated() {
            let last = i == packed.count - 1
            let dst = last ? y : (i % 2 == 0 ? bufferA.baseAddress! : bufferB.baseAddress!)
            if kernels == .optimized {
                packed[i].forward(src, dst)
            } else {
                layers[i].forward(src, dst)
                if !last { Activation.leakyReLU(slope: leakySlope).apply(dst, count: layer.outputCount) }
            }
            visit(i, UnsafeBufferPointer(start: dst, count: layer.outputCount))
            src = UnsafePointer(dst)
        }
        if residual { for i in 0..<latentDim { y[i] += z[i] } }
    }

    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        var packed: [PackedDense] = []
        var inCount = c.latentDim + c.rnnNoiseDim
        let widths = c.rnnHidden + [c.latentDim]
        for (j, out) in widths.enumerated() {
            let w = try file.floats(ModelSchema.RNN.weight(j), shape: [out, inCount])
            let b = try file.floats(ModelSchema.RNN.bias(j), shape: [out])
            packed.append(Self.pack(Dense(inputCount: inCount, outputCount: out, weight: w, bias: b),
                                    last: j == widths.count - 1, c.rnnLeakySlope))
            inCount = out
        }
        self.init(latentDim: c.latentDim, noiseDim: c.rnnNoiseDim, residual: c.rnnResidual,
                  packed: packed, leakySlope: c.rnnLeakySlope)
        noiseCorrelation = c.rnnNoiseCorrelation
    }
}
