/// Reference int8 fully connected layer (TensorFlow Lite Micro's discipline: written for
/// clarity; an optimized kernel may sit beside it behind the same tests):
///   acc[o] = bias[o] + Σ_i (x[i] − zp_in) · w[o, i]       (int32)
///   y[o]   = outputStage(acc[o], o)                         (int8, LeakyReLU fused)
/// W is int8 row-major [out, in] with symmetric per-layer or per-channel scales, the bias is
/// int32 at scale s_in·s_w[o]. Accumulation wraps rather than traps: a model whose products
/// could overflow 32 bits is rejected when it is loaded (Int8Limits).
public struct Int8Dense {
    public let inputCount: Int
    public let outputCount: Int
    public let weight: [Int8]
    public let bias: [Int32]
    public let inputZeroPoint: Int32
    public let stage: OutputStage

    public init(inputCount: Int, outputCount: Int, weight: [Int8], bias: [Int32],
                inputZeroPoint: Int32, stage: OutputStage) {
        precondition(weight.count == inputCount * outputCount && bias.count == outputCount)
        precondition(stage.positive.count == 1 || stage.positive.count == outputCount)
        self.inputCount = inputCount; self.outputCount = outputCount
        self.weight = weight; self.bias = bias
        self.inputZeroPoint = inputZeroPoint; self.stage = stage
    }

    /// The int32 accumulator of output `o` (exposed for tests and the drift report).
    @inline(__always)
    public func accumulator(_ x: UnsafePointer<Int8>, output o: Int) -> Int32 {
        weight.withUnsafeBufferPointer { w in
            let row = w.baseAddress! + o * inputCount
            var acc = bias[o]
            for i in 0..<inputCount {
                acc = acc &+ (Int32(x[i]) &- inputZeroPoint) &* Int32(row[i])
            }
            return acc
        }
    }

    public func forward(_ x: UnsafePointer<Int8>, _ y: UnsafeMutablePointer<Int8>) {
        for o in 0..<outputCount { y[o] = stage.apply(accumulator(x, output: o), channel: o) }
    }
}
