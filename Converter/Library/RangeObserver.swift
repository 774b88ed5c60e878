/// Watches the values one activation takes during calibration: exact minimum and maximum, and
/// an evenly strided sample from which tail quantiles are read, so that a handful of extreme
/// pixels does not stretch the int8 range for all the others.
public struct RangeObserver {
    public private(set) var minimum: Float = .infinity
    public private(set) var maximum: Float = -.infinity
    public private(set) var count = 0
    private var sample: [Float] = []
    private let stride: Int

    /// `stride`: keep every stride-th value seen (1 for small tensors).
    public init(stride: Int = 1) { self.stride = Swift.max(stride, 1) }

    public mutating func observe(_ values: UnsafeBufferPointer<Float>) {
        for v in values {
            if v < minimum { minimum = v }
            if v > maximum { maximum = v }
        }
        var i = count % stride == 0 ? 0 : stride - count % stride
        while i < values.count { sample.append(values[i]); i += stride }
        count += values.count
    }

    /// The `q` and `1 − q` quantiles of the sample (q = 0: the exact extremes).
    public func range(tail q: Double) -> (minimum: Float, maximum: Float) {
        guard q > 0, !sample.isEmpty else { return (minimum, maximum) }
        let sorted = sample.sorted()
        let k = Swift.min(Int(Double(sorted.count - 1) * q), sorted.count - 1)
        return (sorted[k], sorted[sorted.count - 1 - k])
    }

    /// Fraction of the sample outside [lo, hi] (what the quantized layer will clip).
    public func clippedFraction(_ lo: Float, _ hi: Float) -> Double {
        guard !sample.isEmpty else { return 0 }
        return Double(sample.reduce(0) { $0 + ($1 < lo || $1 > hi ? 1 : 0) }) / Double(sample.count)
    }
}
