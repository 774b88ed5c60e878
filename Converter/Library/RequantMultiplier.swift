/// A real-valued rescale factor expressed as a Q31 fixed-point multiplier and a shift, as in
/// gemmlowp and the TensorFlow Lite quantization spec: real ≈ multiplier · 2^(shift − 31).
/// Lets the int8 path rescale int32 accumulators without floating point.
public struct RequantMultiplier: Equatable {
    public let multiplier: Int32
    public let shift: Int

    public init(_ real: Double) {
        precondition(real > 0 && real.isFinite, "requantization scale must be positive and finite")
        var shift = 0
        var q = real
        while q < 0.5 { q *= 2; shift -= 1 }
        while q >= 1 { q /= 2; shift += 1 }
        var m = Int64((q * Double(1 << 31)).rounded())
        if m == (1 << 31) { m /= 2; shift += 1 }
        self.multiplier = Int32(m)
        self.shift = shift
    }

    /// The real value this multiplier stands for.
    public var realValue: Double { Double(multiplier) * pow2(shift - 31) }

    /// x · real, rounded to nearest (ties away from zero), using only integer arithmetic.
    public func apply(_ x: Int32) -> Int32 {
        let product = Int64(x) * Int64(multiplier)
        let totalShift = 31 - shift
        precondition(totalShift > 0 && totalShift < 63)
        let half = Int64(1) << (totalShift - 1)
        let rounded = product >= 0 ? (product + half) >> totalShift : -((-product + half) >> totalShift)
        return Int32(clamping: rounded)
    }
}

func pow2(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 2 } } else { for _ in 0..<(-e) { r /= 2 } }
    return r
}
