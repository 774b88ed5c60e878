/// Symmetric int8 weight quantization (TensorFlow Lite's scheme): q = round(w / scale),
/// clamped to [−127, 127], with scale = max|w| / 127 for the whole tensor (per-layer) or for
/// each output channel (per-channel).
public struct QuantizedWeights {
    public let values: [Int8]
    /// One scale (per-layer) or one per output channel.
    public let scales: [Float]
    public let channelCount: Int

    /// `channelOf(i)` gives the output channel of element i (ignored for per-layer).
    public init(_ weights: [Float], channels: Int, perChannel: Bool, channelOf: @escaping (Int) -> Int) {
        channelCount = perChannel ? channels : 1
        var maxAbs = [Float](repeating: 0, count: channelCount)
        for (i, w) in weights.enumerated() {
            let c = perChannel ? channelOf(i) : 0
            maxAbs[c] = max(maxAbs[c], abs(w))
        }
        // An all-zero channel still needs a positive scale.
        let scales = maxAbs.map { $0 > 0 ? $0 / 127 : 1 }
        self.scales = scales
        values = weights.enumerated().map { i, w in
            let s = scales[perChannel ? channelOf(i) : 0]
            return Int8(max(-127, min(127, (w / s).rounded())))
        }
        self.perChannelMap = perChannel ? channelOf : { _ in 0 }
    }

    private let perChannelMap: (Int) -> Int

    public func dequantized() -> [Float] {
        values.enumerated().map { i, q in Float(q) * scales[perChannelMap(i)] }
    }
}

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

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
