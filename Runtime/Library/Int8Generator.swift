import DuralavaKernels

/// The generator on int8 weights (FORMAT.md, int8 models). The latent is quantized once (64
/// float multiplies: the only float of the frame path) to int16; every transposed convolution
/// runs on integer activations — int8, or int16 for the activations the file lists in
/// `quantization.int16_activations` — with int32 accumulators and fixed-point requantization
/// with LeakyReLU fused; the last layer's accumulators go through the sigmoid table (16-bit
/// logit codes) straight to 8-bit pixels. Buffers are planned at load: a frame allocates
/// nothing.
public final class Int8Generator {
    public let config: ModelConfig
    public let input: ActivationQuantization
    /// The optimized kernels (bit for bit the codes of the reference ones): the only copy of
    /// the weights a running lamp holds.
    private let packed: [Int8PackedTransposedConv2D]
    /// The reference kernels, read back from the packed ones when first asked for (the
    /// converter, the drift report, the tests, `kernels = .reference`).
    public private(set) lazy var layers: [Int8TransposedConv2D] = packed.map { $0.reference }
    /// Optimized (default) or reference kernels.
    public var kernels: KernelSet = .optimized
    public let sigmoid: SigmoidTable
    private let latentCodes: UnsafeMutableRawBufferPointer
    private let bufferA: UnsafeMutableRawBufferPointer
    private let bufferB: UnsafeMutableRawBufferPointer
    private let accumulators: UnsafeMutableBufferPointer<Int32>
    public let pixels: UnsafeMutableBufferPointer<UInt8>

    public var frameValueCount: Int { config.frameHeight * config.frameWidth * 3 }
    public var multiplyAdds: Int { packed.reduce(0) { $0 + $1.geometry.multiplyAdds } }
    public var layerCount: Int { packed.count }

    public convenience init(config: ModelConfig, input: ActivationQuantization, layers: [Int8TransposedConv2D]) {
        precondition(!layers.isEmpty)
        var bits = input.bits
        self.init(config: config, input: input, packed: layers.map { layer in
            defer { bits = layer.stage.output.bits }
            return Int8PackedTransposedConv2D(layer, inputBits: bits)
        })
        self.layers = layers
    }

    private init(config: ModelConfig, input: ActivationQuantization, packed: [Int8PackedTransposedConv2D]) {
        self.config = config; self.input = input; self.packed = packed
        let last = packed.last!
        sigmoid = SigmoidTable(logits: last.stage.output, accumulatorScales: last.stage.accumulatorScales,
                               channels: last.geometry.outputChannels)
        let largest = packed.map { $0.geometry.outputCount }.max()!
        latentCodes = .allocate(byteCount: 2 * config.latentDim, alignment: 16)
        bufferA = .allocate(byteCount: 2 * largest, alignment: 16)
        bufferB = .allocate(byteCount: 2 * largest, alignment: 16)
        accumulators = .allocate(capacity: last.geometry.outputCount)
        pixels = .allocate(capacity: config.frameHeight * config.frameWidth * 3)
    }

    /// A generator on the same weights with buffers of its own, for another thread.
    public func sharingWeights() -> Int8Generator {
        let g = Int8Generator(config: config, input: input, packed: packed.map { Int8PackedTransposedConv2D(sharingWeightsOf: $0) })
        g.kernels = kernels
        return g
    }

    deinit {
        latentCodes.deallocate(); bufferA.deallocate(); bufferB.deallocate()
        accumulators.deallocate(); pixels.deallocate()
    }

    /// Runs layer `index` on `src` (codes of `inBits`) into `dst` (codes of its stage's width).
    @inline(__always)
    private func run(_ index: Int, _ src: UnsafeRawPointer, inBits: Int, _ dst: UnsafeMutableRawPointer) {
        if inBits == 16 { run(index, src.assumingMemoryBound(to: Int16.self), dst) } else { run(index, src.assumingMemoryBound(to: Int8.self), dst) }
    }

    @inline(__always)
    private func run<Input: FixedWidthInteger>(_ index: Int, _ x: UnsafePointer<Input>, _ dst: UnsafeMutableRawPointer) {
        let p = packed[index], n = p.geometry.outputCount
        if p.stage.output.bits == 16 {
            let y = dst.bindMemory(to: Int16.self, capacity: n)
            if kernels == .optimized { p.forward(x, y) } else { layers[index].forward(x, y) }
        } else {
            let y = dst.bindMemory(to: Int8.self, capacity: n)
            if kernels == .optimized { p.forward(x, y) } else { layers[index].forward(x, y) }
        }
    }

    /// Quantizes the latent and runs layers 0..<count; returns the last output and its width.
    @inline(__always)
    private func runLayers(latent: UnsafePointer<Float>, count: Int,
                           visit: (Int, ActivationCodes) -> Void) -> (UnsafeRawPointer, bits: Int) {
        if input.bits == 16 {
            let codes = latentCodes.bindMemory(to: Int16.self)
            for i in 0..<config.latentDim { codes[i] = Int16(truncatingIfNeeded: input.code(latent[i])) }
        } else {
            let codes = latentCodes.bindMemory(to: Int8.self)
            for i in 0..<config.latentDim { codes[i] = input.quantize(latent[i]) }
        }
        var src = UnsafeRawPointer(latentCodes.baseAddress!)
        var bits = input.bits
        for i in 0..<count {
            let layer = packed[i]
            let dst = src == UnsafeRawPointer(bufferA.baseAddress!) ? bufferB.baseAddress! : bufferA.baseAddress!
            run(i, src, inBits: bits, dst)
            visit(i, ActivationCodes(base: dst, count: layer.geometry.outputCount, quantization: layer.stage.output))
            src = UnsafeRawPointer(dst); bits = layer.stage.output.bits
        }
        return (src, bits)
    }

    /// The raw int32 accumulators of layer `index` (the last) on `src` (codes of `bits`).
    @inline(__always)
    private func accumulate(_ index: Int, _ src: UnsafeRawPointer, bits: Int, _ out: UnsafeMutablePointer<Int32>) {
        if bits == 16 { accumulate(index, src.assumingMemoryBound(to: Int16.self), out) } else { accumulate(index, src.assumingMemoryBound(to: Int8.self), out) }
    }

    @inline(__always)
    private func accumulate<Input: FixedWidthInteger>(_ index: Int, _ x: UnsafePointer<Input>, _ out: UnsafeMutablePointer<Int32>) {
        if kernels == .optimized { packed[index].forwardAccumulators(x, out) } else { layers[index].forwardAccumulators(x, out) }
    }

    /// Runs the network on `latent` and leaves 8-bit RGB in `pixels`; `visit(i, codes)` sees
    /// each hidden layer's output codes, and — with `logits` — the last layer's int8 logits.
    @inline(__always)
    public func forward(latent: UnsafePointer<Float>, logits reportLogits: Bool = false,
                        visit: (Int, ActivationCodes) -> Void = { _, _ in }) {
        let (src, bits) = runLayers(latent: latent, count: packed.count - 1, visit: visit)
        let last = packed[packed.count - 1]
        accumulate(packed.count - 1, src, bits: bits, accumulators.baseAddress!)
        let channels = last.geometry.outputChannels
        if kernels == .optimized {
            sigmoid.pixels(accumulators.baseAddress!, count: pixels.count, into: pixels.baseAddress!)
        } else {
            for i in 0..<pixels.count { pixels[i] = sigmoid.apply(accumulators[i], channel: i % channels) }
        }
        guard reportLogits else { return }
        // The int8 logits the file's quantization describes, for the drift report.
        let out = src == UnsafeRawPointer(bufferA.baseAddress!) ? bufferB.baseAddress! : bufferA.baseAddress!
        let logits = out.bindMemory(to: Int8.self, capacity: accumulators.count)
        for i in 0..<accumulators.count { logits[i] = last.stage.apply(accumulators[i], channel: i % channels) }
        visit(packed.count - 1, ActivationCodes(base: out, count: accumulators.count, quantization: last.stage.output))
    }

    /// The frame as floats in [0,1] (pixel / 255), for code that works on float frames.
    public func forward(latent: UnsafePointer<Float>, frame: UnsafeMutablePointer<Float>) {
        forward(latent: latent)
        for i in 0..<pixels.count { frame[i] = Float(pixels[i]) * (1 / 255) }
    }

    /// Loads the int8 generator tensors of a validated file.
    public convenience init(file: SafetensorsFile, config c: ModelConfig) throws(ModelError) {
        let t = try Int8Tensors(file: file)
        let input = try t.activation(ModelSchema.Generator.input)
        var packed: [Int8PackedTransposedConv2D] = []
        var layerInput = input
        let layers = c.generatorLayers
        for (i, g) in layers.enumerated() {
            let last = i == layers.count - 1
            let cin = g.inputChannels, cout = g.outputChannels, kh = g.kernelHeight, kw = g.kernelWidth
            let weight = try file.int8s(ModelSchema.Generator.weight(i), shape: [kh, kw, cout, cin])
            let bias = try t.bias(ModelSchema.Generator.bias(i), channels: cout)
            let scales = try t.weightScales(ModelSchema.Generator.weightScale(i), channels: cout)
            let output = try t.activation(ModelSchema.Generator.output(i))
            if last && output.bits != 8 {
                throw ModelError(file.path, .metadata, "\(ModelSchema.Generator.output(i)) (the logits) must be int8, not listed in \(ModelSchema.Key.quantizationInt16Activations)")
            }
            let stage = try t.stage(layer: "generator.tconv\(i)", input: layerInput, weightScales: scales,
                                    slope: last ? 1 : c.generatorLeakySlope, output: output, reduction: g.reduction)
            // Packed layer by layer: the file's int8 copy of one layer is all that is held twice.
            packed.append(Int8PackedTransposedConv2D(Int8TransposedConv2D(geometry: g, weight: weight, bias: bias,
                                                                          inputZeroPoint: layerInput.zeroPoint, stage: stage),
                                                     inputBits: layerInput.bits))
            layerInput = output
        }
        self.init(config: c, input: input, packed: packed)
    }
}
