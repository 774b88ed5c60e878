/// A fully connected layer y = W x + b, W stored row-major as [out, in] (FORMAT.md).
public struct Dense {
    public let inputCount: Int
    public let outputCount: Int
    public let weight: [Float]
    public let bias: [Float]

    public init(inputCount: Int, outputCount: Int, weight: [Float], bias: [Float]) {
        precondition(weight.count == inputCount * outputCount && bias.count == outputCount)
        self.inputCount = inputCount; self.outputCount = outputCount
        self.weight = weight; self.bias = bias
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            for o in 0..<outputCount {
                let row = w.baseAddress! + o * inputCount
                // Four partial sums: independent chains let the CPU pipeline the adds.
                var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                var i = 0
                while i + 4 <= inputCount {
                    s0 += row[i] * x[i]; s1 += row[i + 1] * x[i + 1]
                    s2 += row[i + 2] * x[i + 2]; s3 += row[i + 3] * x[i + 3]
                    i += 4
                }
                while i < inputCount { s0 += row[i] * x[i]; i += 1 }
                y[o] = bias[o] + (s0 + s1) + (s2 + s3)
            }
        }
    }
}
