/// The generator's last activation as a lookup table straight to 8-bit pixels: each of the
/// 256 int8 logit codes maps to round(255 · σ(real logit)). Built once at load (the only
/// floating point of the int8 frame path besides quantizing the 64 latent values).
public struct SigmoidTable {
    public let input: ActivationQuantization
    public let table: [UInt8]

    public init(input: ActivationQuantization) {
        self.input = input
        var t = [UInt8](repeating: 0, count: 256)
        for code in -128...127 {
            let x = input.dequantize(Int8(code))
            let s = 1 / (1 + expf(-x))
            t[code + 128] = UInt8(Swift.max(0, Swift.min(255, (s * 255).rounded())))
        }
        table = t
    }

    @inline(__always)
    public func apply(_ q: Int8) -> UInt8 { table[Int(q) + 128] }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
