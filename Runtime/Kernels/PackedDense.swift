/// Optimized fully connected layers: a dense layer is a transposed convolution of a 1×1 image
/// with a 1×1 kernel (W [out, in] is that kernel in file layout), so the packed transposed
/// convolutions serve it — their one-pixel path splits the reduction over independent
/// accumulators. Same results as `Dense` (+ activation) within float rounding, and as
/// `Int8Dense` bit for bit.
public final class PackedDense {
    public let inputCount: Int, outputCount: Int
    private let conv: PackedTransposedConv2D

    public init(_ dense: Dense, activation: Activation) {
        inputCount = dense.inputCount; outputCount = dense.outputCount
        conv = PackedTransposedConv2D(TransposedConv2D(geometry: .dense(dense.inputCount, dense.outputCount),
                                                       weight: dense.weight, bias: dense.bias), activation: activation)
    }

    /// y = activation(W x + b).
    @inline(__always)
    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) { conv.forward(x, y) }

    /// The reference layer this one was packed from.
    public var reference: Dense {
        let c = conv.reference
        return Dense(inputCount: inputCount, outputCount: outputCount, weight: c.weight, bias: c.bias)
    }
}

public final class Int8PackedDense {
    public let inputCount: Int, outputCount: Int
    private let conv: Int8PackedTransposedConv2D

    public init(_ dense: Int8Dense) {
        inputCount = dense.inputCount; outputCount = dense.outputCount
        conv = Int8PackedTransposedConv2D(
            Int8TransposedConv2D(geometry: .dense(dense.inputCount, dense.outputCount), weight: dense.weight,
                                 bias: dense.bias, inputZeroPoint: dense.inputZeroPoint, stage: dense.stage),
            inputBits: 8)
    }

    public var stage: OutputStage { conv.stage }

    /// The int8 output codes (LeakyReLU fused in the output stage), as `Int8Dense.forward`.
    @inline(__always)
    public func forward(_ x: UnsafePointer<Int8>, _ y: UnsafeMutablePointer<Int8>) { conv.forward(x, y) }

    /// The reference layer this one was packed from.
    public var reference: Int8Dense {
        let c = conv.reference
        return Int8Dense(inputCount: inputCount, outputCount: outputCount, weight: c.weight, bias: c.bias,
                         inputZeroPoint: c.inputZeroPoint, stage: c.stage)
    }
}

extension TransposedConvGeometry {
    /// The geometry of a dense layer: a 1×1 image, a 1×1 kernel, stride 1.
    static func dense(_ inputCount: Int, _ outputCount: Int) -> TransposedConvGeometry {
        TransposedConvGeometry(inputHeight: 1, inputWidth: 1, inputChannels: inputCount, outputChannels: outputCount,
                               kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1)
    }
}
