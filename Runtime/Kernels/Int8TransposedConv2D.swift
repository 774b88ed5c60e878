/// Reference int8 transposed 2-D convolution, channels-last, "same" padding — the integer
/// twin of `TransposedConv2D` (same geometry, same gather over the taps whose input position
/// is an integer):
///   acc[oy, ox, co] = bias[co] + Σ (in[iy, ix, ci] − zp_in) · w[ky, kx, co, ci]   (int32)
///   out[oy, ox, co] = outputStage(acc, co)                                          (int8)
/// Weights stay in the file layout [kh, kw, cout, cin], so the innermost sum runs over
/// contiguous input channels of both the pixel and the weight row. Inputs and outputs are int8,
/// or int16 for the activations FORMAT.md names (the 16×8 mode).
public struct Int8TransposedConv2D {
    public let geometry: TransposedConvGeometry
    public let weight: [Int8]
    public let bias: [Int32]
    public let inputZeroPoint: Int32
    public let stage: OutputStage

    public init(geometry: TransposedConvGeometry, weight: [Int8], bias: [Int32],
                inputZeroPoint: Int32, stage: OutputStage) {
        let g = geometry
        precondition(weight.count == g.kernelHeight * g.kernelWidth * g.outputChannels * g.inputChannels)
        precondition(bias.count == g.outputChannels)
        precondition(stage.positive.count == 1 || stage.positive.count == g.outputChannels)
        self.geometry = geometry; self.weight = weight; self.bias = bias
        self.inputZeroPoint = inputZeroPoint; self.stage = stage
    }

    /// The int32 accumulator of output (oy, ox, co).
    @inlinable @inline(__always)
    public func accumulator<Input: FixedWidthInteger>(_ input: UnsafePointer<Input>, oy: Int, ox: Int, co: Int) -> Int32 {
        let g = geometry
        let cin = g.inputChannels, cout = g.outputChannels
        return weight.withUnsafeBufferPointer { wbuf in
            let w = wbuf.baseAddress!
            var acc = bias[co]
            g.forEachTap(oy: oy, ox: ox) { iy, ix, ky, kx in
                let x = input + (iy * g.inputWidth + ix) * cin
                let row = w + ((ky * g.kernelWidth + kx) * cout + co) * cin
                for ci in 0..<cin {
                    acc = acc &+ (Int32(x[ci]) &- inputZeroPoint) &* Int32(row[ci])
                }
            }
            return acc
        }
    }

    /// Outputs through the output stage: int8, or int16 where the stage's output is 16-bit.
    @inlinable
    public func forward<Input: FixedWidthInteger, Output: FixedWidthInteger>(_ input: UnsafePointer<Input>, _ output: UnsafeMutablePointer<Output>) {
        let g = geometry
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let out = output + (oy * g.outputWidth + ox) * g.outputChannels
                for co in 0..<g.outputChannels {
                    out[co] = Output(truncatingIfNeeded: stage.code(accumulator(input, oy: oy, ox: ox, co: co), channel: co))
                }
            }
        }
    }

    /// The raw int32 accumulators (for a last layer whose activation reads them at full
    /// precision, like `SigmoidTable`).
    @inlinable
    public func forwardAccumulators<Input: FixedWidthInteger>(_ input: UnsafePointer<Input>, _ output: UnsafeMutablePointer<Int32>) {
        let g = geometry
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let out = output + (oy * g.outputWidth + ox) * g.outputChannels
                for co in 0..<g.outputChannels { out[co] = accumulator(input, oy: oy, ox: ox, co: co) }
            }
        }
    }
}
