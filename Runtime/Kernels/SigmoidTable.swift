/// The generator's last activation as a lookup table straight to 8-bit pixels. The last
/// layer's int32 accumulators are requantized to 16-bit logit codes — 256 times finer than the
/// layer's int8 logit quantization (s_L, zp_L), so that a pixel never moves in steps coarser
/// than one level (int8 logits make mid-grey pixels jump by up to 3 levels, a visible flicker
/// on a slow lamp) — and each code maps to round(255 · σ(real logit)) through a 65,536-entry
/// table built once at load (64 KB; the only floating point of the frame path besides
/// quantizing the latent).
public struct SigmoidTable {
    /// The int8 logit quantization the file stores; the table's codes are 256 times finer.
    public let logits: ActivationQuantization
    public let multipliers: [RequantMultiplier]
    public let table: [UInt8]
    /// The multipliers per vector lane for `pixels` (DuralavaSIMD's dl_sigmoid_table): for
    /// 8·channels consecutive values, multiplier and right shift of channel k mod channels.
    private let laneMultipliers: [Int32]
    private let laneShifts: [Int32]
    private let laneChannels: Int

    /// Real value of one 16-bit logit code.
    public var codeScale: Float { logits.scale / 256 }
    public var codeZeroPoint: Int32 { logits.zeroPoint * 256 }

    /// `accumulatorScales`: s_in·s_w of the last layer, one or one per channel.
    public init(logits: ActivationQuantization, accumulatorScales: [Double], channels: Int? = nil) {
        self.logits = logits
        let codeScale = Double(logits.scale) / 256
        multipliers = accumulatorScales.map { RequantMultiplier($0 / codeScale) }
        var t = [UInt8](repeating: 0, count: 65536)
        let zp = logits.zeroPoint * 256
        for code in -32768...32767 {
            let x = Float(codeScale) * Float(Int32(code) - zp)
            let s = 1 / (1 + expf(-x))
            t[code + 32768] = UInt8(Swift.max(0, Swift.min(255, (s * 255).rounded())))
        }
        table = t
        let channels = channels ?? accumulatorScales.count
        let m = multipliers
        laneChannels = channels
        laneMultipliers = (0..<(8 * channels)).map { m[m.count == 1 ? 0 : $0 % channels].multiplier }
        laneShifts = (0..<(8 * channels)).map { Int32(31 - m[m.count == 1 ? 0 : $0 % channels].shift) }
    }

    /// Pixels of `count` accumulators, channel i mod `channels` for element i (the channels
    /// given at creation); equal to `apply` element by element, vectorized where possible.
    public func pixels(_ acc: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        laneMultipliers.withUnsafeBufferPointer { m in
            laneShifts.withUnsafeBufferPointer { s in
                table.withUnsafeBufferPointer { t in
                    var rq = dl_requant(multiplier_pos: m.baseAddress, multiplier_neg: m.baseAddress,
                                        right_shift_pos: s.baseAddress, right_shift_neg: s.baseAddress,
                                        zero_point: codeZeroPoint, code_min: -32768, code_max: 32767)
                    dl_sigmoid_table(acc, Int32(count), Int32(laneChannels), &rq, t.baseAddress, out)
                }
            }
        }
    }

    /// The pixel of accumulator `acc` of output channel `channel`.
    @inline(__always)
    public func apply(_ acc: Int32, channel: Int) -> UInt8 {
        let m = multipliers[multipliers.count == 1 ? 0 : channel]
        let code = Int64(m.apply(acc)) + Int64(codeZeroPoint)
        let clamped = code < -32768 ? -32768 : (code > 32767 ? 32767 : Int(code))
        return table[clamped + 32768]
    }
}

import DuralavaSIMD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
