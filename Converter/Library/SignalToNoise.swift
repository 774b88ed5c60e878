#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Signal-to-quantization-noise ratio in dB: 10·log10(Σw² / Σ(w − ŵ)²).
public func signalToQuantizationNoise(_ original: [Float], _ approximation: [Float]) -> Double {
    var signal = 0.0, noise = 0.0
    for (a, b) in zip(original, approximation) {
        signal += Double(a) * Double(a)
        noise += Double(a - b) * Double(a - b)
    }
    guard noise > 0 else { return .infinity }
    return 10 * log10(signal / noise)
}
