import DuralavaKernels

/// The latent recurrent network on float weights: x = [z, noise] → dense → LeakyReLU → … →
/// dense → y. The caller (LatentLoop) renormalizes; `residual` models add z before that.
public final class FloatLatentRNN {
    public let latentDim: Int
    public let noiseDim: Int
    public let residual: Bool
    public let layers: [Dense]
    public let leakySlope: Float
    /// The optimized twins of `layers`, LeakyReLU fused into the hidden ones.
    private let packed: [PackedDense]
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet = .optimized
    private let input: UnsafeMutableBufferPointer<Float>
    private let bufferA: UnsafeMutableBufferPointer<Float>
    private let bufferB: UnsafeMutableBufferPointer<Float>

    public init(latentDim: Int, noiseDim: Int, residual: Bool, layers: [Dense], leakySlope: Float) {
        precondition(layers.first?.inputCount == latentDim + noiseDim && layers.last?.outputCount == latentDim)
        self.latentDim = latentDim; self.noiseDim = noiseDim; self.residual = residual
        self.layers = layers; self.leakySlope = leakySlope
        packed = layers.indices.map { PackedDense(layers[$0], activation: $0 == layers.count - 1 ? .none : .leakyReLU(slope: leakySlope)) }
        input = .allocate(capacity: latentDim + noiseDim)
        let widest = layers.map { $0.outputCount }.max()!
        bufferA = .allocate(capacity: widest)
        bufferB = .allocate(capacity: widest)
    }

    deinit { input.deallocate(); bufferA.deallocate(); bufferB.deallocate() }

    public var multiplyAdds: Int { layers.reduce(0) { $0 + $1.inputCount * $1.outputCount } }

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
        for (i, layer) in layers.enumerated() {
            let last = i == layers.count - 1
            let dst = last ? y : (i % 2 == 0 ? bufferA.baseAddress! : bufferB.baseAddress!)
            if kernels == .optimized {
                packed[i].forward(src, dst)
            } else {
                layer.forward(src, dst)
                if !last { Activation.leakyReLU(slope: leakySlope).apply(dst, count: layer.outputCount) }
            }
            visit(i, UnsafeBufferPointer(start: dst, count: layer.outputCount))
            src = UnsafePointer(dst)
        }
        if residual { for i in 0..<latentDim { y[i] += z[i] } }
    }

    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        var layers: [Dense] = []
        var inCount = c.latentDim + c.rnnNoiseDim
        let widths = c.rnnHidden + [c.latentDim]
        for (j, out) in widths.enumerated() {
            let w = try file.floatsTyped(ModelSchema.RNN.weight(j), shape: [out, inCount])
            let b = try file.floatsTyped(ModelSchema.RNN.bias(j), shape: [out])
            layers.append(Dense(inputCount: inCount, outputCount: out, weight: w, bias: b))
            inCount = out
        }
        self.init(latentDim: c.latentDim, noiseDim: c.rnnNoiseDim, residual: c.rnnResidual,
                  layers: layers, leakySlope: c.rnnLeakySlope)
    }
}
