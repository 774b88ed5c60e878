// Batch normalisation over every axis but the last (channels of NHWC images, features of
// dense activations): y = γ·(x − μ)/√(σ² + ε) + β.
// Training mode normalises with the batch's mean and (biased) variance and updates the
// running statistics: running = momentum·running + (1 − momentum)·batch (unbiased variance),
// Keras' convention with its defaults momentum 0.99, ε 0.001. Inference mode uses the
// running statistics. Statistics are accumulated in Double.

public final class BatchNormState: LayerState {
    /// Mean and 1/√(σ² + ε) used by the last forward call, per channel.
    public var mean: [Float] = []
    public var inverseStd: [Float] = []
}

public final class BatchNorm: Layer {
    public let name: String
    public let channels: Int
    public let epsilon: Float
    /// Weight of the old running statistics per training step (0: replace them; see `recalibrateBatchNorm`).
    public var momentum: Float
    public let gamma: Parameter
    public let beta: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance] }

    public init(name: String = "", channels: Int, epsilon: Float = 1e-3, momentum: Float = 0.99) {
        self.name = name
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        gamma = Parameter(name: "gamma", shape: [channels])
        gamma.value.fill(1)
        beta = Parameter(name: "beta", shape: [channels])
        runningMean = Parameter(name: "running_mean", shape: [channels], isTrainable: false)
        runningVariance = Parameter(name: "running_var", shape: [channels], isTrainable: false)
        runningVariance.value.fill(1)
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    public func makeState() -> LayerState { BatchNormState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        let s = state as! BatchNormState
        let c = channels
        precondition(input.shape.last == c, "BatchNorm \(name): input \(input.shape), expected \(c) channels last")
        s.input = input
        s.training = training
        let rows = input.count / c
        let x = input.pointer
        if training {
            precondition(rows > 1, "BatchNorm \(name): training needs more than one value per channel")
            // Two passes (mean, then squared deviations) keep the variance accurate.
            var sum = [Double](repeating: 0, count: c)
            reduceRows(rows: rows, columns: c, into: &sum) { r, acc in
                let row = x + r * c
                for j in 0..<c { acc[j] += row[j] }
            }
            let mean = sum.map { Float($0 / Double(rows)) }
            var sq = [Double](repeating: 0, count: c)
            mean.withUnsafeBufferPointer { m in
                reduceRows(rows: rows, columns: c, into: &sq) { r, acc in
                    let row = x + r * c
                    for j in 0..<c { let d = row[j] - m[j]; acc[j] += d * d }
                }
            }
            s.mean = mean
            s.inverseStd = sq.map { Float(1 / ($0 / Double(rows) + Double(epsilon)).squareRoot()) }
            let rm = runningMean.value.pointer, rv = runningVariance.value.pointer
            for j in 0..<c {
                rm[j] = momentum * rm[j] + (1 - momentum) * mean[j]
                rv[j] = momentum * rv[j] + (1 - momentum) * Float(sq[j] / Double(rows - 1))
            }
        } else {
            let rm = runningMean.value.pointer, rv = runningVariance.value.pointer
            s.mean = (0..<c).map { rm[$0] }
            s.inverseStd = (0..<c).map { 1 / (rv[$0] + epsilon).squareRoot() }
        }
        let out = s.output.get(input.shape)
        let y = out.pointer
        // y = x·scale + shift with scale = γ/σ, shift = β − μ·γ/σ.
        let g = gamma.value.pointer, b = beta.value.pointer
        let scale = (0..<c).map { g[$0] * s.inverseStd[$0] }
        let shift = (0..<c).map { b[$0] - s.mean[$0] * scale[$0] }
        scale.withUnsafeBufferPointer { sc in
            shift.withUnsafeBufferPointer { sh in
                Compute.parallelRanges(rows, minimumPerWorker: max(1, 32768 / c)) { _, r in
                    for i in r {
                        let xr = x + i * c, yr = y + i * c
                        for j in 0..<c { yr[j] = xr[j] * sc[j] + sh[j] }
                    }
                }
            }
        }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        let s = state as! BatchNormState
        let input = s.input!
        checkShape(gradOutput, input.shape, "BatchNorm \(name) gradient")
        let c = channels, rows = input.count / c
        let x = input.pointer, dy = gradOutput.pointer
        // Σ dy and Σ dy·x̂ per channel (x̂ recomputed from the input and saved statistics).
        var sums = [Double](repeating: 0, count: 2 * c)
        s.mean.withUnsafeBufferPointer { m in
            s.inverseStd.withUnsafeBufferPointer { inv in
                reduceRows(rows: rows, columns: 2 * c, into: &sums) { r, acc in
                    let xr = x + r * c, gr = dy + r * c
                    for j in 0..<c {
                        acc[j] += gr[j]
                        acc[c + j] += gr[j] * (xr[j] - m[j]) * inv[j]
                    }
                }
            }
        }
        if options.parameterGradients {
            let dg = gamma.gradient.pointer, db = beta.gradient.pointer
            for j in 0..<c {
                db[j] += Float(sums[j])
                dg[j] += Float(sums[c + j])
            }
        }
        guard options.inputGradient else { return nil }
        let dxT = s.gradInput.get(input.shape)
        let dx = dxT.pointer
        let g = gamma.value.pointer
        let n = Float(rows)
        // training: dx = γ/σ · (dy − Σdy/n − x̂·Σ(dy·x̂)/n); inference: dx = γ/σ · dy.
        let k = (0..<c).map { g[$0] * s.inverseStd[$0] }
        let meanDy = (0..<c).map { s.training ? Float(sums[$0]) / n : 0 }
        let meanDyXhat = (0..<c).map { s.training ? Float(sums[c + $0]) / n : 0 }
        k.withUnsafeBufferPointer { k in
            meanDy.withUnsafeBufferPointer { md in
                meanDyXhat.withUnsafeBufferPointer { mdx in
                    s.mean.withUnsafeBufferPointer { m in
                        s.inverseStd.withUnsafeBufferPointer { inv in
                            Compute.parallelRanges(rows, minimumPerWorker: max(1, 32768 / c)) { _, r in
                                for i in r {
                                    let xr = x + i * c, gr = dy + i * c, dr = dx + i * c
                                    for j in 0..<c {
                                        let xhat = (xr[j] - m[j]) * inv[j]
                                        dr[j] = k[j] * (gr[j] - md[j] - xhat * mdx[j])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dxT
    }
}
