/// Reference int8 transposed 2-D convolution, channels-last, "same" padding — the integer
/// twin of `TransposedConv2D` (same geometry, same gather over the taps whose input position
/// is an integer):
///   acc[oy, ox, co] = bias[co] + Σ (in[iy, ix, ci] − zp_in) · w[ky, kx, co, ci]   (int32)
///   out[oy, ox, co] = outputStage(acc, co)                                          (int8)
/// Weights stay in the file layout [kh, kw, cout, cin], so the innermost sum runs over
/// contiguous input channels of both the pixel and the weight row.
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

    public func forward(_ input: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) {
        let g = geometry
        let cin = g.inputChannels, cout = g.outputChannels
        weight.withUnsafeBufferPointer { wbuf in
            let w = wbuf.baseAddress!
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let out = output + (oy * g.outputWidth + ox) * cout
                    for co in 0..<cout {
                        var acc = bias[co]
                        g.forEachTap(oy: oy, ox: ox) { iy, ix, ky, kx in
                            let x = input + (iy * g.inputWidth + ix) * cin
                            let row = w + ((ky * g.kernelWidth + kx) * cout + co) * cin
                            for ci in 0..<cin {
                                acc = acc &+ (Int32(x[ci]) &- inputZeroPoint) &* Int32(row[ci])
                            }
                        }
                        out[co] = stage.apply(acc, channel: co)
                    }
                }
            }
        }
    }
}
