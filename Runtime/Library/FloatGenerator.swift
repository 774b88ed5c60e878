import DuralavaKernels

/// The generator on float weights: latent z → transposed convolutions → RGB frame in [0,1]
/// (FORMAT.md). BatchNorm is folded into the preceding convolution at load time. All
/// intermediate buffers are allocated once, so generating a frame allocates nothing.
public final class FloatGenerator {
    public let config: ModelConfig
    public let activations: [Activation]
    /// The optimized kernels, hidden layers with their LeakyReLU fused: the only copy of the
    /// weights a running lamp holds.
    private let packed: [PackedTransposedConv2D]
    /// The reference kernels, read back from the packed ones when first asked for (the
    /// converter, the tests, `kernels = .reference`).
    public private(set) lazy var layers: [TransposedConv2D] = packed.map { $0.reference }
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet = .optimized
    private let bufferA: UnsafeMutableBufferPointer<Float>
    private let bufferB: UnsafeMutableBufferPointer<Float>

    public var frameValueCount: Int { config.frameHeight * config.frameWidth * 3 }
    public var multiplyAdds: Int { packed.reduce(0) { $0 + $1.geometry.multiplyAdds } }
    public var layerCount: Int { packed.count }

    public convenience init(config: ModelConfig, layers: [TransposedConv2D], activations: [Activation]) {
        self.init(config: config, packed: layers.indices.map { Self.pack(layers[$0], activations[$0], last: $0 == layers.count - 1) },
                  activations: activations)
        self.layers = layers
    }

    /// The optimized kernel of layer i: hidden layers with their activation fused; the last
    /// layer's sigmoid runs after `visit` has seen its logits.
    private static func pack(_ layer: TransposedConv2D, _ activation: Activation, last: Bool) -> PackedTransposedConv2D {
        PackedTransposedConv2D(layer, activation: last ? .none : activation)
    }

    private init(config: ModelConfig, packed: [PackedTransposedConv2D], activations: [Activation]) {
        self.config = config; self.packed = packed; self.activations = activations
        let largest = packed.map { $0.geometry.outputCount }.max() ?? 0
        bufferA = .allocate(capacity: Swift.max(largest, config.latentDim))
        bufferB = .allocate(capacity: Swift.max(largest, config.latentDim))
    }

    deinit { bufferA.deallocate(); bufferB.deallocate() }

    /// A generator on the same weights with buffers of its own, for another thread.
    public func sharingWeights() -> FloatGenerator {
        let g = FloatGenerator(config: config, packed: packed.map { PackedTransposedConv2D(sharingWeightsOf: $0) }, activations: activations)
        g.kernels = kernels
        return g
    }

    /// Writes H×W×3 floats (channels-last, top row first) for `latent` into `frame`; calls
    /// `visit(i, output)` with each layer's output after its activation (the converter's
    /// calibration and the drift report look at them; the last layer's are pre-sigmoid logits).
    @inline(__always)
    public func forward(latent: UnsafePointer<Float>, frame: UnsafeMutablePointer<Float>,
                        visit: (Int, UnsafeBufferPointer<Float>) -> Void = { _, _ in }) {
        var src = UnsafePointer(bufferA.baseAddress!)
        _ = bufferA.baseAddress!.update(from: latent, count: config.latentDim)
        for i in 0..<packed.count {
            let last = i == packed.count - 1
            let dst = last ? frame : (src == UnsafePointer(bufferA.baseAddress!) ? bufferB.baseAddress! : bufferA.baseAddress!)
            let n = packed[i].geometry.outputCount
            let optimized = kernels == .optimized
            if optimized { packed[i].forward(src, dst) } else { layers[i].forward(src, dst) }
            if last {
                // The logits are visited before the sigmoid.
                visit(i, UnsafeBufferPointer(start: dst, count: n))
                if optimized { activations[i].applyVectorized(dst, count: n) } else { activations[i].apply(dst, count: n) }
            } else {
                if !optimized { activations[i].apply(dst, count: n) }   // fused into the optimized kernels
                visit(i, UnsafeBufferPointer(start: dst, count: n))
            }
            src = UnsafePointer(dst)
        }
    }

    /// Loads and folds the generator tensors of a validated file.
    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        var packed: [PackedTransposedConv2D] = []
        let acts = (0..<c.generatorLayers.count).map { Self.activation(layer: $0, config: c) }
        for i in acts.indices {
            // Packed layer by layer: the file-layout copy of one layer is all that is held twice.
            packed.append(Self.pack(try Self.foldedLayer(i, file: file, config: c), acts[i], last: i == acts.count - 1))
        }
        self.init(config: c, packed: packed, activations: acts)
    }

    /// Layer i's activation: LeakyReLU for hidden layers, the sigmoid for the last.
    public static func activation(layer i: Int, config c: ModelConfig) -> Activation {
        i == c.generatorLayers.count - 1 ? .sigmoid : .leakyReLU(slope: c.generatorLeakySlope)
    }

    /// Layer i of a validated file with its BatchNorm folded in, in the file's layout: what the
    /// loader packs and what the converter quantizes (read from the file, so conversion never
    /// unpacks the panels again).
    public static func foldedLayer(_ i: Int, file: SafetensorsFile, config c: ModelConfig) throws(ModelError) -> TransposedConv2D {
        let layers = c.generatorLayers
        let g = layers[i], last = i == layers.count - 1
        let cin = g.inputChannels, cout = g.outputChannels, kh = g.kernelHeight, kw = g.kernelWidth
        var weight = try file.floats(ModelSchema.Generator.weight(i), shape: [kh, kw, cout, cin])
        var bias: [Float] = file.tensors[ModelSchema.Generator.bias(i)] != nil || last
            ? try file.floats(ModelSchema.Generator.bias(i), shape: [cout])
            : [Float](repeating: 0, count: cout)
        if !last, file.tensors[ModelSchema.Generator.batchNormGamma(i)] != nil {
            let bn = BatchNormFolding(
                gamma: try file.floats(ModelSchema.Generator.batchNormGamma(i), shape: [cout]),
                beta: try file.floats(ModelSchema.Generator.batchNormBeta(i), shape: [cout]),
                mean: try file.floats(ModelSchema.Generator.batchNormMean(i), shape: [cout]),
                variance: try file.floats(ModelSchema.Generator.batchNormVariance(i), shape: [cout]),
                epsilon: c.batchNormEpsilon)
            switch bn.fold(weight: &weight, bias: &bias, kernelTaps: kh * kw, inputChannels: cin) {
            case nil: break
            case .negativeVariance(let ch)?:
                throw ModelError(file.path, .metadata, "tensor \"\(ModelSchema.Generator.batchNormVariance(i))\" is negative at element \(ch)")
            case .nonFinite(let ch)?:
                throw ModelError(file.path, .nonFinite, "folding \"generator.bn\(i)\" into \"\(ModelSchema.Generator.weight(i))\" gives non-finite weights in channel \(ch) (gamma / sqrt(var + bn_epsilon) overflows; check \(ModelSchema.Key.generatorBatchNormEpsilon) and the BatchNorm tensors)")
            }
        }
        return TransposedConv2D(geometry: g, weight: weight, bias: bias)
    }
}
