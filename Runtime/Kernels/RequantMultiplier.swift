/// A real-valued rescale factor expressed as a Q31 fixed-point multiplier and a shift, as in
/// gemmlowp and the TensorFlow Lite quantization spec: real ≈ multiplier · 2^(shift − 31).
/// Lets the int8 path rescale int32 accumulators without floating point. The scale is turned
/// into integers once, when a model is loaded; `apply` uses only integer arithmetic.
public struct RequantMultiplier: Equatable {
    public let multiplier: Int32
    public let shift: Int

    /// The largest real factor that can be represented (shift ≤ 30).
    public static let maximumReal = 1_073_741_824.0

    /// `real` must be finite and in 0 ..< 2^30. Factors below 2^-32 (nothing an int32
    /// accumulator times them can reach ½) become an exact zero.
    public init(_ real: Double) {
        precondition(real >= 0 && real < Self.maximumReal, "requantization scale must be in 0 ..< 2^30")
        guard real >= 1.0 / 4_294_967_296.0 else { multiplier = 0; shift = 0; return }
        var shift = 0
        var q = real
        while q < 0.5 { q *= 2; shift -= 1 }
        while q >= 1 { q /= 2; shift += 1 }
        // 2^31 as Int64: Int is 32 bits on armhf and wasm32 (firmware-notes/, docs/web.md).
        var m = Int64((q * Double(Int64(1) << 31)).rounded())
        if m == (1 << 31) { m /= 2; shift += 1 }
        self.multiplier = Int32(m)
        self.shift = shift
    }

    /// The real value this multiplier stands for.
    public var realValue: Double {
        var r = Double(multiplier)
        var e = shift - 31
        while e > 0 { r *= 2; e -= 1 }
        while e < 0 { r /= 2; e += 1 }
        return r
    }

    /// x · real, rounded to nearest (ties away from zero), using only integer arithmetic: one
    /// 32×32 → 64-bit product and one rounding shift (the result saturates to Int32).
    @inline(__always)
    public func apply(_ x: Int32) -> Int32 {
        let product = Int64(x) * Int64(multiplier)
        let totalShift = Int64(31 - shift)          // 1 ... 63 for every representable factor
        let half = Int64(1) << (totalShift - 1)
        let rounded = product >= 0 ? (product + half) >> totalShift : -((half - product) >> totalShift)
        return Int32(clamping: rounded)
    }
}
