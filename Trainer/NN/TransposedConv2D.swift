// Transposed 2-D convolution on NHWC images, "same" padding as in Runtime/FORMAT.md and
// TensorFlow's conv2d_transpose (output = input × stride):
//   out[n, oy, ox, co] = b[co] + Σ in[n, iy, ix, ci] · w[ky, kx, co, ci],
//   oy = iy·s + ky − p, ox = ix·s + kx − p, p = ⌊max(k − s, 0) / 2⌋.
// Weight layout [kH, kW, outC, inC] (the runtime's), i.e. a (kH·kW·outC)×inC matrix.
// Forward: cols = X·Wᵀ then col2im onto the output grid — every multiply is a real tap,
// none hits an inserted zero. Backward: im2col of dY gives one matrix that serves both
// dX = col·W and dW += colᵀ·X.

public final class TransposedConv2D: Layer {
    public let name: String
    public let inputChannels: Int, outputChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let weight: Parameter
    public let bias: Parameter?
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public convenience init(name: String = "", inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
                            useBias: Bool = true, initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) {
        self.init(name: name, inputChannels: inputChannels, outputChannels: outputChannels,
                  kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride,
                  useBias: useBias, initializer: initializer, rng: &rng)
    }

    /// A rectangular kernel and stride: a non-square lamp's first layer maps the 1×1 latent
    /// onto a base of, say, 4×6 pixels with a 4×6 kernel at stride 4×6.
    public init(name: String = "", inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int, strideWidth: Int, useBias: Bool = true, initializer: Initializer = .glorotUniform,
                rng: inout RandomGenerator) {
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth
        weight = Parameter(name: "weight", shape: [kernelHeight, kernelWidth, outputChannels, inputChannels])
        initializer.fill(weight.value, fanIn: kernelHeight * kernelWidth * inputChannels,
                         fanOut: kernelHeight * kernelWidth * outputChannels, rng: &rng)
        bias = useBias ? Parameter(name: "bias", shape: [outputChannels]) : nil
    }

    public var padTop: Int { max(kernelHeight - strideHeight, 0) / 2 }
    public var padLeft: Int { max(kernelWidth - strideWidth, 0) / 2 }

    /// The convolution geometry from this layer's (large) output to its (small) input.
    public func geometry(inputHeight: Int, inputWidth: Int) -> ConvGeometry {
        ConvGeometry(inputHeight: inputHeight * strideHeight, inputWidth: inputWidth * strideWidth,
                     inputChannels: outputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                     strideHeight: strideHeight, strideWidth: strideWidth, padTop: padTop, padLeft: padLeft,
                     outputHeight: inputHeight, outputWidth: inputWidth)
    }

    public func outputShape(for s: [Int]) -> [Int] {
        [s[0], s[1] * strideHeight, s[2] * strideWidth, outputChannels]
    }

    public func makeState() -> LayerState { LayerState() }

    public func multiplyAdds(inputHeight: Int, inputWidth: Int) -> Int {
        inputHeight * inputWidth * kernelHeight * kernelWidth * outputChannels * inputChannels
    }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == inputChannels, "TransposedConv2D \(name): input \(input.shape), expected [N, H, W, \(inputChannels)]")
        state.input = input
        let n = input.shape[0]
        let g = geometry(inputHeight: input.shape[1], inputWidth: input.shape[2])
        let out = state.output.get(outputShape(for: input.shape))
        let rowsPerFrame = g.outputPixels, k = g.patchSize, cin = inputChannels
        let chunking = FrameChunking(frames: n, floatsPerFrame: rowsPerFrame * k)
        let outFrame = g.inputPixels * outputChannels
        let x = input.pointer, y = out.pointer, w = weight.value.pointer
        forEachFrameChunk(chunking) { worker, group, f0, f1, firstInGroup, par in
            let rows = (f1 - f0) * rowsPerFrame
            let cols = Scratch.buffer(worker: worker, slot: 0, count: rows * k)
            gemm(parallel: par, transA: false, transB: true, m: rows, n: k, k: cin,
                 a: x + f0 * rowsPerFrame * cin, lda: cin, b: w, ldb: cin, beta: 0, c: cols, ldc: k)
            let yChunk = y + f0 * outFrame
            yChunk.update(repeating: 0, count: (f1 - f0) * outFrame)
            Profiler.measureWorker(worker, "col2im") { col2im(g, frames: f1 - f0, col: cols, image: yChunk) }
        }
        if let bias { addRowVector(y, rows: n * g.inputPixels, columns: outputChannels, bias.value.pointer) }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        let input = state.input!
        let n = input.shape[0]
        let g = geometry(inputHeight: input.shape[1], inputWidth: input.shape[2])
        checkShape(gradOutput, outputShape(for: input.shape), "TransposedConv2D \(name) gradient")
        let rowsPerFrame = g.outputPixels, k = g.patchSize, cin = inputChannels
        let chunking = FrameChunking(frames: n, floatsPerFrame: rowsPerFrame * k)
        let outFrame = g.inputPixels * outputChannels
        let x = input.pointer, dy = gradOutput.pointer, w = weight.value.pointer
        let dxTensor = options.inputGradient ? state.gradInput.get(input.shape) : nil
        let dx = dxTensor?.pointer
        let partials = options.parameterGradients ? WeightGradientPartials(gradient: weight.gradient.pointer, count: weight.value.count, groups: chunking.groups) : nil
        if dx != nil || partials != nil {
            forEachFrameChunk(chunking) { worker, group, f0, f1, firstInGroup, par in
                let rows = (f1 - f0) * rowsPerFrame
                let col = Scratch.buffer(worker: worker, slot: 0, count: rows * k)
                Profiler.measureWorker(worker, "im2col") { im2col(g, frames: f1 - f0, image: dy + f0 * outFrame, col: col) }
                if let dx {
                    gemm(parallel: par, transA: false, transB: false, m: rows, n: cin, k: k,
                         a: col, lda: k, b: w, ldb: cin, beta: 0, c: dx + f0 * rowsPerFrame * cin, ldc: cin)
                }
                if let partials {
                    let (target, beta) = partials.target(group: group, firstInGroup: firstInGroup)
                    gemm(parallel: par, transA: true, transB: false, m: k, n: cin, k: rows,
                         a: col, lda: k, b: x + f0 * rowsPerFrame * cin, ldb: cin, beta: beta, c: target, ldc: cin)
                }
            }
        }
        if let partials {
            partials.finish()
            if let bias { parallelColumnSums(dy, rows: n * g.inputPixels, columns: outputChannels, accumulateInto: bias.gradient.pointer) }
        }
        return dxTensor
    }
}
