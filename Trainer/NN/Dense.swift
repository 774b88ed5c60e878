// Fully connected layer: y = x·Wᵀ + b, W stored [out, in] (the runtime's layout).
// Input [N, in] (any trailing shape whose size is `in` is flattened), output [N, out].

public final class Dense: Layer {
    public let name: String
    public let inputSize: Int
    public let outputSize: Int
    public let weight: Parameter
    public let bias: Parameter?
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public init(name: String = "", inputSize: Int, outputSize: Int, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) {
        self.name = name
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = Parameter(name: "weight", shape: [outputSize, inputSize])
        initializer.fill(weight.value, fanIn: inputSize, fanOut: outputSize, rng: &rng)
        bias = useBias ? Parameter(name: "bias", shape: [outputSize]) : nil
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape[0], outputSize] }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        let n = input.batch
        precondition(input.itemCount == inputSize, "Dense \(name): input \(input.shape), expected \(inputSize) features")
        state.input = input
        let out = state.output.get([n, outputSize])
        GEMM.parallelSgemm(transA: false, transB: true, m: n, n: outputSize, k: inputSize,
                           a: input.pointer, lda: inputSize, b: weight.value.pointer, ldb: inputSize,
                           beta: 0, c: out.pointer, ldc: outputSize)
        if let bias {
            let b = bias.value.pointer, y = out.pointer
            for r in 0..<n {
                let row = y + r * outputSize
                for j in 0..<outputSize { row[j] += b[j] }
            }
        }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        let x = state.input!
        let n = x.batch
        precondition(gradOutput.count == n * outputSize, "Dense \(name): gradient \(gradOutput.shape)")
        if options.parameterGradients {
            // dW += dYᵀ·X
            GEMM.parallelSgemm(transA: true, transB: false, m: outputSize, n: inputSize, k: n,
                               a: gradOutput.pointer, lda: outputSize, b: x.pointer, ldb: inputSize,
                               beta: 1, c: weight.gradient.pointer, ldc: inputSize)
            if let bias { columnSums(gradOutput.pointer, rows: n, columns: outputSize, accumulateInto: bias.gradient.pointer) }
        }
        guard options.inputGradient else { return nil }
        let dx = state.gradInput.get(x.shape)
        // dX = dY·W
        GEMM.parallelSgemm(transA: false, transB: false, m: n, n: inputSize, k: outputSize,
                           a: gradOutput.pointer, lda: outputSize, b: weight.value.pointer, ldb: inputSize,
                           beta: 0, c: dx.pointer, ldc: inputSize)
        return dx
    }
}

/// out[j] += Σ_r m[r, j], accumulated in Double per block of rows for accuracy.
func columnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, accumulateInto out: UnsafeMutablePointer<Float>) {
    let acc = UnsafeMutablePointer<Double>.allocate(capacity: columns)
    acc.initialize(repeating: 0, count: columns)
    let block = UnsafeMutablePointer<Float>.allocate(capacity: columns)
    defer { acc.deallocate(); block.deallocate() }
    var r = 0
    while r < rows {
        let end = min(rows, r + 64)
        block.initialize(repeating: 0, count: columns)
        for i in r..<end {
            let row = m + i * columns
            for j in 0..<columns { block[j] += row[j] }
        }
        for j in 0..<columns { acc[j] += Double(block[j]) }
        r = end
    }
    for j in 0..<columns { out[j] += Float(acc[j]) }
}
