/// Affine int8 quantization of an activation tensor (TensorFlow Lite's scheme):
/// real = scale · (q − zeroPoint), q ∈ [−128, 127]. Zero is always exactly representable.
public struct ActivationQuantization: Equatable {
    public let scale: Float
    public let zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        precondition(scale > 0 && scale.isFinite && zeroPoint >= -128 && zeroPoint <= 127)
        self.scale = scale; self.zeroPoint = zeroPoint
    }

    /// The parameters that cover [min, max], widened to include 0.
    public init(minimum: Float, maximum: Float) {
        let lo = Swift.min(minimum, 0), hi = Swift.max(maximum, 0)
        let range = hi - lo
        let scale = range > 0 ? range / 255 : 1
        // −128 stands for `lo`; round the zero point so that 0 maps to an integer exactly.
        let zp = (-128 - lo / scale).rounded()
        self.init(scale: scale, zeroPoint: Int32(Swift.max(-128, Swift.min(127, zp))))
    }

    @inline(__always)
    public func quantize(_ x: Float) -> Int8 {
        let q = (x / scale).rounded() + Float(zeroPoint)
        return q <= -128 ? -128 : (q >= 127 ? 127 : Int8(q))
    }

    @inline(__always)
    public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - zeroPoint) }

    /// The real interval the 256 codes cover.
    public var minimum: Float { dequantize(-128) }
    public var maximum: Float { dequantize(127) }
}

/// Symmetric int8 weights (TensorFlow Lite's scheme): w ≈ scale · q, q ∈ [−127, 127], with one
/// scale for the whole tensor (per-layer) or one per output channel.
public struct WeightQuantization {
    public let values: [Int8]
    /// One scale (per-layer) or one per output channel.
    public let scales: [Float]

    /// `channelOf(i)` gives the output channel of element i (used only per-channel).
    public init(_ weights: [Float], channels: Int, perChannel: Bool, channelOf: (Int) -> Int) {
        let count = perChannel ? channels : 1
        var maxAbs = [Float](repeating: 0, count: count)
        for (i, w) in weights.enumerated() {
            let c = perChannel ? channelOf(i) : 0
            maxAbs[c] = Swift.max(maxAbs[c], w < 0 ? -w : w)
        }
        // An all-zero channel still needs a positive scale.
        let scales = maxAbs.map { $0 > 0 ? $0 / 127 : 1 }
        var values = [Int8](repeating: 0, count: weights.count)
        for (i, w) in weights.enumerated() {
            let q = (w / scales[perChannel ? channelOf(i) : 0]).rounded()
            values[i] = Int8(Swift.max(-127, Swift.min(127, q)))
        }
        self.scales = scales
        self.values = values
    }

    /// The real weights these codes stand for.
    public func dequantized(channelOf: (Int) -> Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for i in 0..<values.count { out[i] = Float(values[i]) * scales[scales.count == 1 ? 0 : channelOf(i)] }
        return out
    }
}
