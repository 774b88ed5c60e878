/// The end of every int8 layer (the TensorFlow Lite "output stage"): an int32 accumulator at
/// scale s_in·s_w[c] becomes an int8 value at the output's scale and zero point, with the
/// layer's LeakyReLU fused in. LeakyReLU only changes the factor by the sign of the
/// accumulator, so the stage holds two multipliers per channel:
///   q = zp_out + round(acc · s_in·s_w[c] / s_out)          for acc ≥ 0
///   q = zp_out + round(acc · slope·s_in·s_w[c] / s_out)    for acc < 0
/// then saturates to the output's code range ([−128, 127], or int16 for the few int16
/// activations). No activation is slope 1 (both multipliers equal).
public struct OutputStage {
    public let positive: [RequantMultiplier]
    public let negative: [RequantMultiplier]
    public let output: ActivationQuantization
    /// s_in·s_w, one or one per channel (a following table may requantize more finely).
    public let accumulatorScales: [Double]

    /// `accumulatorScales` holds s_in·s_w for one (per-layer) or every output channel.
    public init(accumulatorScales: [Double], slope: Double, output: ActivationQuantization) {
        precondition(!accumulatorScales.isEmpty && slope >= 0)
        positive = accumulatorScales.map { RequantMultiplier($0 / Double(output.scale)) }
        negative = accumulatorScales.map { RequantMultiplier($0 * slope / Double(output.scale)) }
        self.output = output
        self.accumulatorScales = accumulatorScales
    }

    /// The output code of channel `channel` for accumulator `acc`, saturated to the output's
    /// code range (int8 or int16).
    @inline(__always)
    public func code(_ acc: Int32, channel: Int) -> Int32 {
        let c = positive.count == 1 ? 0 : channel
        let scaled = acc >= 0 ? positive[c].apply(acc) : negative[c].apply(acc)
        let q = Int64(scaled) + Int64(output.zeroPoint)
        return q < Int64(output.codeMinimum) ? output.codeMinimum : (q > Int64(output.codeMaximum) ? output.codeMaximum : Int32(q))
    }

    /// The int8 output of channel `channel` for accumulator `acc` (8-bit outputs).
    @inline(__always)
    public func apply(_ acc: Int32, channel: Int) -> Int8 { Int8(truncatingIfNeeded: code(acc, channel: channel)) }
}
