import DuralavaSIMD

/// Optimized int8 transposed convolution: bit for bit the function of `Int8TransposedConv2D`
/// (same accumulators, same output stage), computed as `TransposedConvPhases` with weights
/// packed at load. Four layouts, chosen when the layer is created:
/// - 16-channel panels on 16-bit inputs (dl_i16_panels: vpmaddwd on AVX2) — int16 inputs, and
///   int8 inputs where the CPU has no VNNI;
/// - 16-channel panels on unsigned bytes (dl_u8_panels: vpdpbusd on AVX-512 VNNI) — int8
///   inputs offset by +128;
/// - the same panels on the signed int8 codes (dl_s8_panels: sdot on Armv8.2, the Pi 5);
/// - pixel rows (dl_i16_pixel_rows) for layers with fewer than 8 output channels.
/// The input zero point never enters the inner loop: the padded border holds the zero point
/// (so out-of-image taps add (zp − zp)·w = 0, as the reference's skipped taps do) and
/// Σ (x − zp)·w = Σ x·w − zp·Σ w, with zp·Σ w folded into each phase's bias at load
/// (integer arithmetic modulo 2^32, so the result equals the reference's exactly).
public final class Int8PackedTransposedConv2D {
    public enum Layout: String { case pairs, bytes, signedBytes, pixelRows }

    public let geometry: TransposedConvGeometry
    public let stage: OutputStage
    public let plan: TransposedConvPhases
    public let layout: Layout
    /// Width of the codes `forward` takes (8 or 16).
    public let inputBits: Int
    public let inputZeroPoint: Int32
    private let bias: [Int32]
    private let depth: Int
    private let staging: UnsafeMutableRawBufferPointer
    private let pairs: PhaseStorage<Int16, Int32>?
    private let bytes: PhaseStorage<Int8, Int32>?
    private let requantArrays: UnsafeMutableBufferPointer<Int32>
    private let requant: dl_requant

    /// `inputBits`: the width of the codes the layer will be given (its input activation's).
    public init(_ conv: Int8TransposedConv2D, inputBits: Int) {
        precondition(inputBits == 8 || inputBits == 16)
        let g = conv.geometry
        geometry = g; stage = conv.stage; self.inputBits = inputBits
        inputZeroPoint = conv.inputZeroPoint; bias = conv.bias
        plan = TransposedConvPhases(g)
        let cin = g.inputChannels, cout = g.outputChannels
        let layout: Layout = cout < 8 ? .pixelRows
            : inputBits == 8 && dl_u8_panels_available() != 0 ? .bytes
            : inputBits == 8 && dl_s8_panels_available() != 0 ? .signedBytes : .pairs
        self.layout = layout
        let unit = layout == .bytes || layout == .signedBytes ? 4 : 2
        let depth = (cin + unit - 1) / unit * unit
        self.depth = depth
        let zp = conv.inputZeroPoint
        staging = Self.makeStaging(plan, layout, depth: depth, zeroPoint: zp)
        let weight = conv.weight, bias = conv.bias
        @inline(__always) func w(_ tap: TransposedConvPhases.Tap, _ co: Int, _ ci: Int) -> Int32 {
            Int32(weight[((tap.ky * g.kernelWidth + tap.kx) * cout + co) * cin + ci])
        }
        // bias − offset·Σw over the phase's taps: the zero point (and +128 of the byte layout).
        let offset = layout == .bytes ? zp &+ 128 : zp
        func fillBias(_ taps: [TransposedConvPhases.Tap], _ b: UnsafeMutablePointer<Int32>) {
            for co in 0..<cout {
                var sum: Int32 = 0
                for tap in taps { for ci in 0..<cin { sum = sum &+ w(tap, co, ci) } }
                b[co] = bias[co] &- offset &* sum
            }
        }
        switch layout {
        case .bytes, .signedBytes:
            pairs = nil
            bytes = PhaseStorage(plan: plan, depth: depth, pixelRows: false, zeroWeight: 0, zeroBias: 0) { _, taps, wp, bp in
                for (t, tap) in taps.enumerated() {
                    for co in 0..<cout {
                        for ci in 0..<cin {
                            wp[Self.packedIndex(layout, taps: taps.count, t, ci, co, depth: depth, cout: cout)] =
                                Int8(truncatingIfNeeded: w(tap, co, ci))
                        }
                    }
                }
                fillBias(taps, bp)
            }
        case .pairs, .pixelRows:
            bytes = nil
            pairs = PhaseStorage(plan: plan, depth: depth, pixelRows: layout == .pixelRows, zeroWeight: 0, zeroBias: 0) { _, taps, wp, bp in
                for (t, tap) in taps.enumerated() {
                    for co in 0..<cout {
                        for ci in 0..<cin {
                            wp[Self.packedIndex(layout, taps: taps.count, t, ci, co, depth: depth, cout: cout)] = Int16(w(tap, co, ci))
                        }
                    }
                }
                fillBias(taps, bp)
            }
        }
        (requantArrays, requant) = Self.makeRequant(stage, cout: cout)
    }

    /// A second instance on the same packed weights with its own input buffer, for use on
    /// another thread.
    public init(sharingWeightsOf other: Int8PackedTransposedConv2D) {
        geometry = other.geometry; stage = other.stage; plan = other.plan; layout = other.layout
        inputBits = other.inputBits; inputZeroPoint = other.inputZeroPoint; bias = other.bias
        depth = other.depth; pairs = other.pairs; bytes = other.bytes
        staging = Self.makeStaging(plan, layout, depth: depth, zeroPoint: inputZeroPoint)
        (requantArrays, requant) = Self.makeRequant(stage, cout: geometry.outputChannels)
    }

    /// The padded input buffer; its border (and padded channels) hold the zero point's code,
    /// `forward` fills the rest.
    private static func makeStaging(_ plan: TransposedConvPhases, _ layout: Layout, depth: Int, zeroPoint zp: Int32) -> UnsafeMutableRawBufferPointer {
        let paddedPixels = plan.paddedHeight * plan.paddedWidth
        if layout == .bytes || layout == .signedBytes {
            let s = UnsafeMutableRawBufferPointer.allocate(byteCount: paddedPixels * depth, alignment: 64)
            s.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: layout == .bytes ? zp + 128 : zp))
            return s
        }
        let s = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * paddedPixels * depth, alignment: 64)
        s.initializeMemory(as: Int16.self, repeating: Int16(truncatingIfNeeded: zp))
        return s
    }

    /// The output stage per (padded) channel, as the C kernels read it.
    private static func makeRequant(_ stage: OutputStage, cout: Int) -> (UnsafeMutableBufferPointer<Int32>, dl_requant) {
        let padded = (cout + 15) / 16 * 16
        let arrays = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 4 * padded)
        let r = arrays.baseAddress!
        for c in 0..<padded {
            let k = stage.positive.count == 1 ? 0 : Swift.min(c, cout - 1)
            r[c] = stage.positive[k].multiplier
            r[padded + c] = stage.negative[k].multiplier
            r[2 * padded + c] = Int32(31 - stage.positive[k].shift)
            r[3 * padded + c] = Int32(31 - stage.negative[k].shift)
        }
        return (arrays, dl_requant(multiplier_pos: r, multiplier_neg: r + padded, right_shift_pos: r + 2 * padded,
                                   right_shift_neg: r + 3 * padded, zero_point: stage.output.zeroPoint,
                                   code_min: stage.output.codeMinimum, code_max: stage.output.codeMaximum))
    }

    deinit { staging.deallocate(); requantArrays.deallocate() }

    /// Where weight (tap t, ci, co) of a phase lives: panels [co/16][t][ci/4][16][4] (bytes) or
    /// [co/16][t][ci/2][16][2] (pairs), pixel rows [t][ci/2][cout][2].
    @inline(__always)
    private static func packedIndex(_ layout: Layout, taps: Int, _ t: Int, _ ci: Int, _ co: Int, depth: Int, cout: Int) -> Int {
        switch layout {
        case .bytes, .signedBytes: return ((((co / 16) * taps + t) * (depth / 4) + ci / 4) * 16 + co % 16) * 4 + ci % 4
        case .pairs: return ((((co / 16) * taps + t) * (depth / 2) + ci / 2) * 16 + co % 16) * 2 + ci % 2
        case .pixelRows: return ((t * (depth / 2) + ci / 2) * cout + co) * 2 + ci % 2
        }
    }

    /// The reference kernel this one was packed from (weights read back from the panels).
    public var reference: Int8TransposedConv2D {
        let g = geometry, cin = g.inputChannels, cout = g.outputChannels
        var weight = [Int8](repeating: 0, count: g.kernelHeight * g.kernelWidth * cout * cin)
        for (k, phase) in plan.phases.enumerated() {
            for (t, tap) in phase.taps.enumerated() {
                for co in 0..<cout {
                    for ci in 0..<cin {
                        let i = Self.packedIndex(layout, taps: phase.taps.count, t, ci, co, depth: depth, cout: cout)
                        weight[((tap.ky * g.kernelWidth + tap.kx) * cout + co) * cin + ci] =
                            bytes != nil ? bytes!.jobs[k].weights[i] : Int8(truncatingIfNeeded: pairs!.jobs[k].weights[i])
                    }
                }
            }
        }
        return Int8TransposedConv2D(geometry: g, weight: weight, bias: bias, inputZeroPoint: inputZeroPoint, stage: stage)
    }

    /// Output codes through the output stage (int8, or int16 where the stage's output is 16-bit).
    @inline(__always)
    public func forward<Input: FixedWidthInteger, Output: FixedWidthInteger>(_ input: UnsafePointer<Input>, _ output: UnsafeMutablePointer<Output>) {
        precondition(Output.bitWidth == stage.output.bits)
        run(input, UnsafeMutableRawPointer(output), kind: Int32(Output.bitWidth))
    }

    /// The raw int32 accumulators (for the sigmoid table of the last layer).
    @inline(__always)
    public func forwardAccumulators<Input: FixedWidthInteger>(_ input: UnsafePointer<Input>, _ output: UnsafeMutablePointer<Int32>) {
        run(input, UnsafeMutableRawPointer(output), kind: Int32(DL_OUT_INT32))
    }

    @inline(__always)
    private func run<Input: FixedWidthInteger>(_ input: UnsafePointer<Input>, _ output: UnsafeMutableRawPointer, kind: Int32) {
        precondition(Input.bitWidth == inputBits, "the layer was planned for \(inputBits)-bit inputs")
        let g = geometry
        let cin = g.inputChannels, width = g.inputWidth
        let bits = Int32(inputBits), raw = UnsafeRawPointer(input)
        let s = staging.baseAddress!
        let origin = Int32(plan.paddedPosition(0, 0)), row = Int32(plan.paddedWidth)
        switch layout {
        case .bytes:
            dl_stage_channels_last(raw, bits, Int32(g.inputHeight), Int32(width), Int32(cin), s, 1, origin, row, Int32(depth))
            for job in bytes!.jobs {
                withUnsafePointer(to: job.phase) { phase in
                    withUnsafePointer(to: requant) { rq in
                        _ = dl_u8_panels(phase, s.assumingMemoryBound(to: UInt8.self), job.weights, job.bias, rq, kind, output)
                    }
                }
            }
        case .signedBytes:
            dl_stage_channels_last(raw, bits, Int32(g.inputHeight), Int32(width), Int32(cin), s, 2, origin, row, Int32(depth))
            for job in bytes!.jobs {
                withUnsafePointer(to: job.phase) { phase in
                    withUnsafePointer(to: requant) { rq in
                        _ = dl_s8_panels(phase, s.assumingMemoryBound(to: Int8.self), job.weights, job.bias, rq, kind, output)
                    }
                }
            }
        case .pairs:
            dl_stage_channels_last(raw, bits, Int32(g.inputHeight), Int32(width), Int32(cin), s, 0, origin, row, Int32(depth))
            for job in pairs!.jobs {
                withUnsafePointer(to: job.phase) { phase in
                    withUnsafePointer(to: requant) { rq in
                        dl_i16_panels(phase, s.assumingMemoryBound(to: Int16.self), job.weights, job.bias, rq, kind, output)
                    }
                }
            }
        case .pixelRows:
            dl_stage_pair_planes(raw, bits, Int32(g.inputHeight), Int32(width), Int32(cin),
                                 s.assumingMemoryBound(to: Int16.self), origin, row, Int32(pairs!.plane))
            for job in pairs!.jobs {
                withUnsafePointer(to: job.grid) { grid in
                    withUnsafePointer(to: requant) { rq in
                        dl_i16_pixel_rows(grid, job.tapIn, job.phase.taps, Int32(depth), Int32(g.outputChannels),
                                          s.assumingMemoryBound(to: Int16.self), job.weights, job.bias, rq, kind, output)
                    }
                }
            }
        }
    }
}
