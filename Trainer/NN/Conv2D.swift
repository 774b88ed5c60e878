// 2-D convolution on NHWC images: im2col + sgemm, batch split into cache-sized chunks that
// the workers process independently.
//   out[n, oy, ox, co] = b[co] + Σ in[n, oy·s + ky − pt, ox·s + kx − pl, ci] · w[ky, kx, ci, co]
// Weight layout [kH, kW, inC, outC] (TensorFlow's), i.e. a (kH·kW·inC)×outC matrix.

public final class Conv2D: Layer {
    public let name: String
    public let inputChannels: Int, outputChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let padding: Padding
    public let weight: Parameter
    public let bias: Parameter?
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public convenience init(name: String = "", inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
                            padding: Padding = .same, useBias: Bool = true, initializer: Initializer = .glorotUniform,
                            rng: inout RandomGenerator) {
        self.init(name: name, inputChannels: inputChannels, outputChannels: outputChannels,
                  kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride,
                  padding: padding, useBias: useBias, initializer: initializer, rng: &rng)
    }

    /// A rectangular kernel and stride (a non-square frame's last encoder layer covers the
    /// whole remaining H×W grid).
    public init(name: String = "", inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int, strideWidth: Int, padding: Padding = .same, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) {
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth
        self.padding = padding
        weight = Parameter(name: "weight", shape: [kernelHeight, kernelWidth, inputChannels, outputChannels])
        initializer.fill(weight.value, fanIn: kernelHeight * kernelWidth * inputChannels,
                         fanOut: kernelHeight * kernelWidth * outputChannels, rng: &rng)
        bias = useBias ? Parameter(name: "bias", shape: [outputChannels]) : nil
    }

    public func geometry(inputHeight: Int, inputWidth: Int) -> ConvGeometry {
        let (oh, pt) = padding.resolve(input: inputHeight, kernel: kernelHeight, stride: strideHeight)
        let (ow, pl) = padding.resolve(input: inputWidth, kernel: kernelWidth, stride: strideWidth)
        return ConvGeometry(inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
                            kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                            strideHeight: strideHeight, strideWidth: strideWidth,
                            padTop: pt, padLeft: pl, outputHeight: oh, outputWidth: ow)
    }

    public func outputShape(for s: [Int]) -> [Int] {
        let g = geometry(inputHeight: s[1], inputWidth: s[2])
        return [s[0], g.outputHeight, g.outputWidth, outputChannels]
    }

    public func makeState() -> LayerState { LayerState() }

    /// Multiply-adds of one forward pass per frame.
    public func multiplyAdds(inputHeight: Int, inputWidth: Int) -> Int {
        let g = geometry(inputHeight: inputHeight, inputWidth: inputWidth)
        return g.outputPixels * g.patchSize * outputChannels
    }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == inputChannels, "Conv2D \(name): input \(input.shape), expected [N, H, W, \(inputChannels)]")
        state.input = input
        let n = input.shape[0]
        let g = geometry(inputHeight: input.shape[1], inputWidth: input.shape[2])
        let out = state.output.get([n, g.outputHeight, g.outputWidth, outputChannels])
        let rowsPerFrame = g.outputPixels, k = g.patchSize, cout = outputChannels
        let chunking = FrameChunking(frames: n, floatsPerFrame: rowsPerFrame * k)
        let x = input.pointer, y = out.pointer, w = weight.value.pointer
        let inFrame = g.inputPixels * inputChannels
        forEachFrameChunk(chunking) { worker, group, f0, f1, firstInGroup, par in
            let col = Scratch.buffer(worker: worker, slot: 0, count: (f1 - f0) * rowsPerFrame * k)
            Profiler.measureWorker(worker, "im2col") { im2col(g, frames: f1 - f0, image: x + f0 * inFrame, col: col) }
            gemm(parallel: par, transA: false, transB: false, m: (f1 - f0) * rowsPerFrame, n: cout, k: k,
                 a: col, lda: k, b: w, ldb: cout, beta: 0, c: y + f0 * rowsPerFrame * cout, ldc: cout)
        }
        if let bias { addRowVector(y, rows: n * rowsPerFrame, columns: cout, bias.value.pointer) }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        let input = state.input!
        let n = input.shape[0]
        let g = geometry(inputHeight: input.shape[1], inputWidth: input.shape[2])
        checkShape(gradOutput, [n, g.outputHeight, g.outputWidth, outputChannels], "Conv2D \(name) gradient")
        let rowsPerFrame = g.outputPixels, k = g.patchSize, cout = outputChannels
        let chunking = FrameChunking(frames: n, floatsPerFrame: rowsPerFrame * k)
        let inFrame = g.inputPixels * inputChannels
        let x = input.pointer, dy = gradOutput.pointer, w = weight.value.pointer
        let dxTensor = options.inputGradient ? state.gradInput.get(input.shape) : nil
        let dx = dxTensor?.pointer
        let partials = options.parameterGradients ? WeightGradientPartials(gradient: weight.gradient.pointer, count: weight.value.count, groups: chunking.groups) : nil
        forEachFrameChunk(chunking) { worker, group, f0, f1, firstInGroup, par in
            let rows = (f1 - f0) * rowsPerFrame
            let dyChunk = dy + f0 * rowsPerFrame * cout
            if let dx {
                // dcol = dY·Wᵀ, scattered back onto the input grid.
                let dcol = Scratch.buffer(worker: worker, slot: 0, count: rows * k)
                gemm(parallel: par, transA: false, transB: true, m: rows, n: k, k: cout,
                     a: dyChunk, lda: cout, b: w, ldb: cout, beta: 0, c: dcol, ldc: k)
                let dxChunk = dx + f0 * inFrame
                dxChunk.update(repeating: 0, count: (f1 - f0) * inFrame)
                Profiler.measureWorker(worker, "col2im") { col2im(g, frames: f1 - f0, col: dcol, image: dxChunk) }
            }
            if let partials {
                // dW += colᵀ·dY (columns recomputed rather than kept from forward: memory).
                let col = Scratch.buffer(worker: worker, slot: 1, count: rows * k)
                Profiler.measureWorker(worker, "im2col") { im2col(g, frames: f1 - f0, image: x + f0 * inFrame, col: col) }
                let (target, beta) = partials.target(group: group, firstInGroup: firstInGroup)
                gemm(parallel: par, transA: true, transB: false, m: k, n: cout, k: rows,
                     a: col, lda: k, b: dyChunk, ldb: cout, beta: beta, c: target, ldc: cout)
            }
        }
        if let partials {
            partials.finish()
            if let bias { parallelColumnSums(dy, rows: n * rowsPerFrame, columns: cout, accumulateInto: bias.gradient.pointer) }
        }
        return dxTensor
    }
}
