/// Affine quantization of an activation tensor (TensorFlow Lite's scheme):
/// real = scale · (q − zeroPoint), q ∈ [−2^(bits−1), 2^(bits−1) − 1]. Activations are int8;
/// the few the lamp's motion is sensitive to are int16 (the 16×8 mode of TensorFlow Lite:
/// int16 activations, int8 weights). Zero is always exactly representable.
public struct ActivationQuantization: Equatable {
    public let scale: Float
    public let zeroPoint: Int32
    /// 8 or 16.
    public let bits: Int

    public init(scale: Float, zeroPoint: Int32, bits: Int = 8) {
        precondition(bits == 8 || bits == 16)
        self.scale = scale; self.zeroPoint = zeroPoint; self.bits = bits
        precondition(scale > 0 && scale.isFinite && zeroPoint >= codeMinimum && zeroPoint <= codeMaximum)
    }

    /// The parameters that cover [min, max], widened to include 0.
    public init(minimum: Float, maximum: Float, bits: Int = 8) {
        let lo = Swift.min(minimum, 0), hi = Swift.max(maximum, 0)
        let levels: Float = bits == 16 ? 65535 : 255
        let low: Float = bits == 16 ? -32768 : -128
        let range = hi - lo
        let scale = range > 0 ? range / levels : 1
        // The lowest code stands for `lo`; round the zero point so that 0 maps to an integer exactly.
        let zp = (low - lo / scale).rounded()
        self.init(scale: scale, zeroPoint: Int32(Swift.max(low, Swift.min(low + levels, zp))), bits: bits)
    }

    public var codeMinimum: Int32 { bits == 16 ? -32768 : -128 }
    public var codeMaximum: Int32 { bits == 16 ? 32767 : 127 }

    /// The code of `x`, saturated to the code range.
    @inline(__always)
    public func code(_ x: Float) -> Int32 {
        let q = (x / scale).rounded() + Float(zeroPoint)
        return q <= Float(codeMinimum) ? codeMinimum : (q >= Float(codeMaximum) ? codeMaximum : Int32(q))
    }

    /// The int8 code of `x` (8-bit quantizations only).
    @inline(__always)
    public func quantize(_ x: Float) -> Int8 { Int8(truncatingIfNeeded: code(x)) }

    @inline(__always)
    public func dequantize<Code: FixedWidthInteger>(_ q: Code) -> Float { scale * Float(Int32(q) - zeroPoint) }

    /// The real interval the codes cover.
    public var minimum: Float { dequantize(codeMinimum) }
    public var maximum: Float { dequantize(codeMaximum) }
}

/// A read-only view of one activation's codes, int8 or int16, for code that inspects layer
/// outputs (calibration checks, the drift report) without caring about their width.
public struct ActivationCodes {
    public let base: UnsafeRawPointer
    public let count: Int
    public let quantization: ActivationQuantization

    public init(base: UnsafeRawPointer, count: Int, quantization: ActivationQuantization) {
        self.base = base; self.count = count; self.quantization = quantization
    }

    @inline(__always)
    public subscript(i: Int) -> Int32 {
        quantization.bits == 16 ? Int32(base.load(fromByteOffset: 2 * i, as: Int16.self))
                                : Int32(base.load(fromByteOffset: i, as: Int8.self))
    }

    /// The real value of element i.
    @inline(__always)
    public func value(_ i: Int) -> Float { quantization.dequantize(self[i]) }
}
