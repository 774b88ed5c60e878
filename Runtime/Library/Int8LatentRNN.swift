import DuralavaKernels

/// The latent recurrent network on int8 weights. The dense layers run in integers only
/// (int8 × int8 → int32, fixed-point requantization, LeakyReLU fused); the documented float
/// steps are at its two ends, O(latent) per step: [z, noise] is quantized on the way in
/// (80 values for the shipped model) and the 64 outputs are dequantized on the way out, where
/// the residual add and the loop's renormalization and guards work on the float latent
/// exactly as for a float model (FORMAT.md, "int8 models").
public final class Int8LatentRNN {
    public let latentDim: Int
    public let noiseDim: Int
    /// Lag-1 correlation of the noise the loop feeds it (the file's `rnn.noise_correlation`).
    public var noiseCorrelation: Float = 0
    public let residual: Bool
    public let input: ActivationQuantization
    /// The optimized layers (bit for bit the codes of the reference ones): the only copy of
    /// the weights a running lamp holds.
    private let packed: [Int8PackedDense]
    /// The reference layers, read back from the packed ones when first asked for.
    public private(set) lazy var layers: [Int8Dense] = packed.map { $0.reference }
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet = .optimized
    private let codes: UnsafeMutableBufferPointer<Int8>
    private let bufferA: UnsafeMutableBufferPointer<Int8>
    private let bufferB: UnsafeMutableBufferPointer<Int8>

    public convenience init(latentDim: Int, noiseDim: Int, residual: Bool, input: ActivationQuantization, layers: [Int8Dense]) {
        self.init(latentDim: latentDim, noiseDim: noiseDim, residual: residual, input: input, packed: layers.map { Int8PackedDense($0) })
        self.layers = layers
    }

    private init(latentDim: Int, noiseDim: Int, residual: Bool, input: ActivationQuantization, packed: [Int8PackedDense]) {
        precondition(packed.first?.inputCount == latentDim + noiseDim && packed.last?.outputCount == latentDim)
        self.latentDim = latentDim; self.noiseDim = noiseDim; self.residual = residual
        self.input = input; self.packed = packed
        codes = .allocate(capacity: latentDim + noiseDim)
        let widest = packed.map { $0.outputCount }.max()!
        bufferA = .allocate(capacity: widest); bufferB = .allocate(capacity: widest)
    }

    deinit { codes.deallocate(); bufferA.deallocate(); bufferB.deallocate() }

    public var multiplyAdds: Int { packed.reduce(0) { $0 + $1.inputCount * $1.outputCount } }

    /// One step before renormalization; `visit(j, output)` sees each layer's int8 output.
    @inline(__always)
    public func step(_ z: UnsafePointer<Float>, noise: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                     visit: (Int, UnsafeBufferPointer<Int8>) -> Void = { _, _ in }) {
        for i in 0..<latentDim { codes[i] = input.quantize(z[i]) }
        for i in 0..<noiseDim { codes[latentDim + i] = input.quantize(noise![i]) }
        var src = UnsafePointer(codes.baseAddress!)
        for (j, layer) in packed.enumerated() {
            let dst = j % 2 == 0 ? bufferA.baseAddress! : bufferB.baseAddress!
            if kernels == .optimized { layer.forward(src, dst) } else { layers[j].forward(src, dst) }
            visit(j, UnsafeBufferPointer(start: dst, count: layer.outputCount))
            src = UnsafePointer(dst)
        }
        let out = packed.last!.stage.output
        for i in 0..<latentDim { y[i] = out.dequantize(src[i]) + (residual ? z[i] : 0) }
    }

    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        let t = try Int8Tensors(file: file)
        let input = try t.activation(ModelSchema.RNN.input)   // int8: only generator activations may be int16
        var packed: [Int8PackedDense] = []
        var inCount = c.latentDim + c.rnnNoiseDim
        var layerInput = input
        let widths = c.rnnHidden + [c.latentDim]
        for (j, out) in widths.enumerated() {
            let last = j == widths.count - 1
            let w = try file.int8s(ModelSchema.RNN.weight(j), shape: [out, inCount])
            let b = try t.bias(ModelSchema.RNN.bias(j), channels: out)
            let scales = try t.weightScales(ModelSchema.RNN.weightScale(j), channels: out)
            let output = try t.activation(ModelSchema.RNN.output(j))
            let stage = try t.stage(layer: "rnn.dense\(j)", input: layerInput, weightScales: scales,
                                    slope: last ? 1 : c.rnnLeakySlope, output: output, reduction: inCount)
            packed.append(Int8PackedDense(Int8Dense(inputCount: inCount, outputCount: out, weight: w, bias: b,
                                                    inputZeroPoint: layerInput.zeroPoint, stage: stage)))
            inCount = out
            layerInput = output
        }
        self.init(latentDim: c.latentDim, noiseDim: c.rnnNoiseDim, residual: c.rnnResidual, input: input, packed: packed)
        noiseCorrelation = c.rnnNoiseCorrelation
    }
}
