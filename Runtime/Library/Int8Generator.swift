import DuralavaKernels

/// The generator on int8 weights (FORMAT.md, int8 models): the latent is quantized once
/// (64 float multiplies: the only float of the frame path), then every transposed convolution
/// runs on int8 activations with int32 accumulators and fixed-point requantization with
/// LeakyReLU fused; the last layer's int8 logits go through a 256-entry sigmoid table straight
/// to 8-bit pixels. Buffers are planned at load: a frame allocates nothing.
public final class Int8Generator {
    public let config: ModelConfig
    public let input: ActivationQuantization
    public let layers: [Int8TransposedConv2D]
    public let sigmoid: SigmoidTable
    private let latentCodes: UnsafeMutableBufferPointer<Int8>
    private let bufferA: UnsafeMutableBufferPointer<Int8>
    private let bufferB: UnsafeMutableBufferPointer<Int8>
    public let pixels: UnsafeMutableBufferPointer<UInt8>

    public var frameValueCount: Int { config.frameHeight * config.frameWidth * 3 }
    public var multiplyAdds: Int { layers.reduce(0) { $0 + $1.geometry.multiplyAdds } }

    public init(config: ModelConfig, input: ActivationQuantization, layers: [Int8TransposedConv2D]) {
        precondition(!layers.isEmpty)
        self.config = config; self.input = input; self.layers = layers
        sigmoid = SigmoidTable(input: layers.last!.stage.output)
        let largest = layers.map { $0.geometry.outputCount }.max()!
        latentCodes = .allocate(capacity: config.latentDim)
        bufferA = .allocate(capacity: largest); bufferB = .allocate(capacity: largest)
        pixels = .allocate(capacity: config.frameHeight * config.frameWidth * 3)
    }

    deinit { latentCodes.deallocate(); bufferA.deallocate(); bufferB.deallocate(); pixels.deallocate() }

    /// Runs the network on `latent`; calls `visit(i, output)` with each layer's int8 output
    /// (the last layer's are logits), then leaves 8-bit RGB in `pixels`.
    @inline(__always)
    public func forward(latent: UnsafePointer<Float>, visit: (Int, UnsafeBufferPointer<Int8>) -> Void = { _, _ in }) {
        for i in 0..<config.latentDim { latentCodes[i] = input.quantize(latent[i]) }
        var src = UnsafePointer(latentCodes.baseAddress!)
        for (i, layer) in layers.enumerated() {
            let dst = src == UnsafePointer(bufferA.baseAddress!) ? bufferB.baseAddress! : bufferA.baseAddress!
            layer.forward(src, dst)
            visit(i, UnsafeBufferPointer(start: dst, count: layer.geometry.outputCount))
            src = UnsafePointer(dst)
        }
        for i in 0..<pixels.count { pixels[i] = sigmoid.apply(src[i]) }
    }

    /// The frame as floats in [0,1] (pixel / 255), for code that works on float frames.
    public func forward(latent: UnsafePointer<Float>, frame: UnsafeMutablePointer<Float>) {
        forward(latent: latent)
        for i in 0..<pixels.count { frame[i] = Float(pixels[i]) * (1 / 255) }
    }

    /// Loads the int8 generator tensors of a validated file.
    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        let t = Int8Tensors(file: file)
        let input = try t.activation(ModelSchema.Generator.input)
        var layers: [Int8TransposedConv2D] = []
        var h = 1, w = 1, cin = c.latentDim
        var layerInput = input
        let count = c.channels.count + 1
        for i in 0..<count {
            let last = i == count - 1
            let cout = last ? 3 : c.channels[i]
            let kh = i == 0 ? c.baseHeight : c.kernel
            let kw = i == 0 ? c.baseWidth : c.kernel
            let sh = i == 0 ? kh : 2, sw = i == 0 ? kw : 2
            let g = TransposedConvGeometry(inputHeight: h, inputWidth: w, inputChannels: cin, outputChannels: cout,
                                           kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw)
            let weight = try file.int8s(ModelSchema.Generator.weight(i), shape: [kh, kw, cout, cin])
            let bias = try t.bias(ModelSchema.Generator.bias(i), channels: cout)
            let scales = try t.weightScales(ModelSchema.Generator.weightScale(i), channels: cout)
            let output = try t.activation(ModelSchema.Generator.output(i))
            let taps = ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw)
            let stage = try t.stage(layer: "generator.tconv\(i)", input: layerInput, weightScales: scales,
                                    slope: last ? 1 : c.generatorLeakySlope, output: output, reduction: cin * taps)
            layers.append(Int8TransposedConv2D(geometry: g, weight: weight, bias: bias,
                                               inputZeroPoint: layerInput.zeroPoint, stage: stage))
            h = g.outputHeight; w = g.outputWidth; cin = cout
            layerInput = output
        }
        self.init(config: c, input: input, layers: layers)
    }
}
