// The converter's: only conversion (and its weight report) quantizes weights; the runtime reads
// the int8 codes and scales from the file (Runtime/FORMAT.md, docs/design.md#quantization).

/// Symmetric int8 weights (TensorFlow Lite's scheme): w ≈ scale · q, q ∈ [−127, 127], with one
/// scale for the whole tensor (per-layer) or one per output channel.
public struct WeightQuantization {
    public let values: [Int8]
    /// One scale (per-layer) or one per output channel.
    public let scales: [Float]

    /// `channelOf(i)` gives the output channel of element i (used only per-channel).
    public init(_ weights: [Float], channels: Int, perChannel: Bool, channelOf: (Int) -> Int) {
        let count = perChannel ? channels : 1
        var maxAbs = [Float](repeating: 0, count: count)
        for (i, w) in weights.enumerated() {
            let c = perChannel ? channelOf(i) : 0
            maxAbs[c] = Swift.max(maxAbs[c], w < 0 ? -w : w)
        }
        // An all-zero channel still needs a positive scale.
        let scales = maxAbs.map { $0 > 0 ? $0 / 127 : 1 }
        var values = [Int8](repeating: 0, count: weights.count)
        for (i, w) in weights.enumerated() {
            let q = (w / scales[perChannel ? channelOf(i) : 0]).rounded()
            values[i] = Int8(Swift.max(-127, Swift.min(127, q)))
        }
        self.scales = scales
        self.values = values
    }

    /// The real weights these codes stand for.
    public func dequantized(channelOf: (Int) -> Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for i in 0..<values.count { out[i] = Float(values[i]) * scales[scales.count == 1 ? 0 : channelOf(i)] }
        return out
    }
}
