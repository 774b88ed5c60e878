/// The frame generator: latent z → transposed convolutions → RGB frame in [0,1] (FORMAT.md).
/// BatchNorm is folded into the preceding convolution at load time. All intermediate buffers
/// are allocated once, so generating a frame allocates nothing.
public final class Generator {
    public let config: ModelConfig
    public let layers: [TransposedConv2D]
    public let activations: [Activation]
    private let bufferA: UnsafeMutableBufferPointer<Float>
    private let bufferB: UnsafeMutableBufferPointer<Float>

    public var frameValueCount: Int { config.frameHeight * config.frameWidth * 3 }
    /// Multiply-adds per frame (each output pixel visits (k/s)² taps).
    public var multiplyAdds: Int {
        layers.reduce(0) { acc, l in
            acc + l.outputHeight * l.outputWidth * l.outputChannels * l.inputChannels
                * (l.kernelHeight / l.strideHeight) * (l.kernelWidth / l.strideWidth)
        }
    }

    public init(config: ModelConfig, layers: [TransposedConv2D], activations: [Activation]) {
        self.config = config; self.layers = layers; self.activations = activations
        let largest = layers.map { $0.outputHeight * $0.outputWidth * $0.outputChannels }.max() ?? 0
        bufferA = .allocate(capacity: Swift.max(largest, config.latentDim))
        bufferB = .allocate(capacity: Swift.max(largest, config.latentDim))
    }

    deinit { bufferA.deallocate(); bufferB.deallocate() }

    /// Writes H×W×3 floats (channels-last, top row first) for `latent` into `frame`.
    public func forward(latent: UnsafePointer<Float>, frame: UnsafeMutablePointer<Float>) {
        var src = UnsafePointer(bufferA.baseAddress!)
        _ = bufferA.baseAddress!.update(from: latent, count: config.latentDim)
        for (i, layer) in layers.enumerated() {
            let last = i == layers.count - 1
            let dst = last ? frame : (src == UnsafePointer(bufferA.baseAddress!) ? bufferB.baseAddress! : bufferA.baseAddress!)
            layer.forward(src, dst)
            activations[i].apply(dst, count: layer.outputHeight * layer.outputWidth * layer.outputChannels)
            src = UnsafePointer(dst)
        }
    }

    public func frame(for latent: [Float]) -> [Float] {
        precondition(latent.count == config.latentDim)
        var out = [Float](repeating: 0, count: frameValueCount)
        latent.withUnsafeBufferPointer { z in
            out.withUnsafeMutableBufferPointer { forward(latent: z.baseAddress!, frame: $0.baseAddress!) }
        }
        return out
    }

    /// Loads and folds the generator tensors of a validated file.
    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws {
        var layers: [TransposedConv2D] = []
        var acts: [Activation] = []
        var h = 1, w = 1, cin = c.latentDim
        let count = c.channels.count + 1
        for i in 0..<count {
            let last = i == count - 1
            let cout = last ? 3 : c.channels[i]
            let kh = i == 0 ? c.baseHeight : c.kernel
            let kw = i == 0 ? c.baseWidth : c.kernel
            var weight = try file.floats("generator.tconv\(i).weight", shape: [kh, kw, cout, cin])
            var bias: [Float] = file.tensors["generator.tconv\(i).bias"] != nil || last
                ? try file.floats("generator.tconv\(i).bias", shape: [cout])
                : [Float](repeating: 0, count: cout)
            if !last, file.tensors["generator.bn\(i).gamma"] != nil {
                let gamma = try file.floats("generator.bn\(i).gamma", shape: [cout])
                let beta = try file.floats("generator.bn\(i).beta", shape: [cout])
                let mean = try file.floats("generator.bn\(i).mean", shape: [cout])
                let variance = try file.floats("generator.bn\(i).var", shape: [cout])
                if let bad = variance.firstIndex(where: { $0 < 0 }) {
                    throw ModelError(file.path, .metadata, "tensor \"generator.bn\(i).var\" is negative at element \(bad)")
                }
                // BatchNorm(conv(x) + b) = conv(x)·a + (b − mean)·a + beta, a = gamma / √(var + ε).
                for co in 0..<cout {
                    let a = gamma[co] / (variance[co] + c.batchNormEpsilon).squareRoot()
                    bias[co] = (bias[co] - mean[co]) * a + beta[co]
                    for k in 0..<(kh * kw) {
                        for ci in 0..<cin { weight[(k * cout + co) * cin + ci] *= a }
                    }
                }
            }
            // The first layer maps the 1×1 latent with kernel = stride = base; the rest stride 2.
            let sh = i == 0 ? kh : 2, sw = i == 0 ? kw : 2
            let layer = TransposedConv2D(inputHeight: h, inputWidth: w, inputChannels: cin, outputChannels: cout,
                                         kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw,
                                         weight: weight, bias: bias)
            layers.append(layer)
            h = layer.outputHeight; w = layer.outputWidth
            acts.append(last ? .sigmoid : .leakyReLU(slope: c.generatorLeakySlope))
            cin = cout
        }
        self.init(config: c, layers: layers, activations: acts)
    }
}
