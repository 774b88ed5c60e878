/// Affine quantization of an activation tensor (TensorFlow Lite's scheme):
/// real = scale · (q − zeroPoint), q ∈ [−2^(codeBits−1), 2^(codeBits−1) − 1]. Activations are
/// int8; the ones the lamp's tones and motion are sensitive to are stored as int16 (the 16×8
/// mode of TensorFlow Lite: int16 activations, int8 weights), with codes of up to 16 bits: a
/// layer whose next layer sums many products gets fewer code bits (13–15), so that its int32
/// accumulator can never overflow (docs/int8.md). Zero is always exactly representable.
public struct ActivationQuantization: Equatable {
    public let scale: Float
    public let zeroPoint: Int32
    /// The storage width: 8 or 16.
    public let bits: Int
    /// The codes' width: 8 for int8 storage, 9–16 for int16 storage.
    public let codeBits: Int

    public init(scale: Float, zeroPoint: Int32, bits: Int = 8, codeBits: Int? = nil) {
        precondition(bits == 8 || bits == 16)
        let codeBits = codeBits ?? bits
        precondition(bits == 8 ? codeBits == 8 : (9...16).contains(codeBits))
        self.scale = scale; self.zeroPoint = zeroPoint; self.bits = bits; self.codeBits = codeBits
        precondition(scale > 0 && scale.isFinite && zeroPoint >= codeMinimum && zeroPoint <= codeMaximum)
    }

    /// The parameters that cover [min, max], widened to include 0.
    public init(minimum: Float, maximum: Float, bits: Int = 8, codeBits: Int? = nil) {
        let codeBits = codeBits ?? bits
        let lo = Swift.min(minimum, 0), hi = Swift.max(maximum, 0)
        let levels = Float((1 << codeBits) - 1)
        let low = -Float(1 << (codeBits - 1))
        let range = hi - lo
        let scale = range > 0 ? range / levels : 1
        // The lowest code stands for `lo`; round the zero point so that 0 maps to an integer exactly.
        let zp = (low - lo / scale).rounded()
        self.init(scale: scale, zeroPoint: Int32(Swift.max(low, Swift.min(low + levels, zp))), bits: bits, codeBits: codeBits)
    }

    public var codeMinimum: Int32 { -(Int32(1) << (codeBits - 1)) }
    public var codeMaximum: Int32 { (Int32(1) << (codeBits - 1)) - 1 }
    /// codeMaximum − codeMinimum: the largest |code − zero point|.
    public var codeSpan: Int32 { codeMaximum - codeMinimum }

    /// Largest reduction length (input channels × taps reaching a pixel) of a layer taking
    /// these codes whose worst-case sum of products, codeSpan · 127 · n, stays below 2^30 next
    /// to the bias (|bias| ≤ 2^30): int32 never overflows. 33,156 for int8 codes, 129 for
    /// 16-bit ones, 258 for 15-bit ones.
    public var maximumReduction: Int { Self.maximumReduction(codeBits: codeBits) }

    public static func maximumReduction(codeBits: Int) -> Int { (1 << 30) / (((1 << codeBits) - 1) * 127) }

    /// The most code bits (9–16) of an int16 activation whose next layer sums `reduction`
    /// products of it; nil when even 9 bits could overflow.
    public static func widestCodeBits(reduction: Int) -> Int? {
        (9...16).last { maximumReduction(codeBits: $0) >= reduction }
    }

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
