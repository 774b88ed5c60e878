import DuralavaSIMD

/// Optimized float transposed convolution with its activation: the same function as
/// `TransposedConv2D` followed by `Activation.apply` (equal within float rounding: FMA and a
/// vectorized exp), computed as `TransposedConvPhases` — one GEMM per parity phase over weights
/// packed at load into panels of 16 output channels, accumulators in registers
/// (DuralavaSIMD's dl_f32_panels). Layers with fewer than 8 output channels (the 3-channel
/// last layer) run vectorized across pixels instead (dl_f32_pixel_rows). The input is copied
/// into a padded buffer planned at creation; a forward pass allocates nothing. One instance
/// is not for use from two threads at once (it owns that buffer).
public final class PackedTransposedConv2D {
    public let geometry: TransposedConvGeometry
    public let activation: Activation
    public let plan: TransposedConvPhases
    /// Pixel rows instead of channel panels (few output channels).
    public let usesPixelRows: Bool
    private let bias: [Float]
    private let staging: UnsafeMutableBufferPointer<Float>
    private let storage: PhaseStorage<Float, Float>

    public init(_ conv: TransposedConv2D, activation: Activation) {
        let g = conv.geometry
        geometry = g
        self.activation = activation
        plan = TransposedConvPhases(g)
        usesPixelRows = g.outputChannels < 8
        let cin = g.inputChannels, cout = g.outputChannels
        let paddedPixels = plan.paddedHeight * plan.paddedWidth
        staging = .allocate(capacity: paddedPixels * cin)
        staging.initialize(repeating: 0)
        let weight = conv.weight, bias = conv.bias
        self.bias = bias
        let rows = usesPixelRows
        storage = PhaseStorage(plan: plan, depth: cin, pixelRows: rows, zeroWeight: 0, zeroBias: 0) { _, taps, weights, biases in
            for (t, tap) in taps.enumerated() {
                for co in 0..<cout {
                    for ci in 0..<cin {
                        weights[Self.packedIndex(rows: rows, taps: taps.count, t, ci, co, cin: cin, cout: cout)] =
                            weight[((tap.ky * g.kernelWidth + tap.kx) * cout + co) * cin + ci]
                    }
                }
            }
            for co in 0..<cout { biases[co] = bias[co] }
        }
    }

    /// Where weight (tap t, ci, co) of a phase lives: channel panels [co/16][t][ci][16], or pixel
    /// rows [t][ci][cout] (zeros past cout).
    @inline(__always)
    private static func packedIndex(rows: Bool, taps: Int, _ t: Int, _ ci: Int, _ co: Int, cin: Int, cout: Int) -> Int {
        rows ? (t * cin + ci) * cout + co : (((co / 16) * taps + t) * cin + ci) * 16 + co % 16
    }

    /// The reference kernel this one was packed from (weights read back from the panels).
    public var reference: TransposedConv2D {
        let g = geometry, cin = g.inputChannels, cout = g.outputChannels
        var weight = [Float](repeating: 0, count: g.kernelHeight * g.kernelWidth * cout * cin)
        for (phase, job) in zip(plan.phases, storage.jobs) {
            for (t, tap) in phase.taps.enumerated() {
                for co in 0..<cout {
                    for ci in 0..<cin {
                        weight[((tap.ky * g.kernelWidth + tap.kx) * cout + co) * cin + ci] =
                            job.weights[Self.packedIndex(rows: usesPixelRows, taps: phase.taps.count, t, ci, co, cin: cin, cout: cout)]
                    }
                }
            }
        }
        return TransposedConv2D(geometry: g, weight: weight, bias: bias)
    }

    /// A second instance on the same packed weights with its own input buffer, for use on
    /// another thread.
    public init(sharingWeightsOf other: PackedTransposedConv2D) {
        geometry = other.geometry; activation = other.activation; plan = other.plan
        usesPixelRows = other.usesPixelRows; bias = other.bias; storage = other.storage
        staging = .allocate(capacity: other.staging.count)
        staging.initialize(repeating: 0)
    }

    deinit { staging.deallocate() }

    /// out = activation(conv(input)), channels-last like the reference kernel.
    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let cin = g.inputChannels
        let s = staging.baseAddress!
        if usesPixelRows {
            for iy in 0..<g.inputHeight {
                for ix in 0..<g.inputWidth {
                    let pos = plan.paddedPosition(iy, ix), x = input + (iy * g.inputWidth + ix) * cin
                    for ci in 0..<cin { s[ci * storage.plane + pos] = x[ci] }
                }
            }
        } else {
            for iy in 0..<g.inputHeight {
                (s + plan.paddedPosition(iy, 0) * cin).update(from: input + iy * g.inputWidth * cin, count: g.inputWidth * cin)
            }
        }
        var slope: Float = 1, code: Int32 = 0
        switch activation {
        case .leakyReLU(let a): slope = a
        case .sigmoid: code = 1
        case .none: break
        }
        for job in storage.jobs {
            if usesPixelRows {
                withUnsafePointer(to: job.grid) { grid in
                    dl_f32_pixel_rows(grid, job.tapIn, job.phase.taps, Int32(cin), Int32(g.outputChannels), s,
                                      job.weights, job.bias, code, slope, output)
                }
            } else {
                withUnsafePointer(to: job.phase) { phase in
                    dl_f32_panels(phase, s, job.weights, job.bias, slope, output)
                }
            }
        }
        if !usesPixelRows && code == 1 { dl_sigmoid(output, Int32(g.outputCount)) }
    }
}
