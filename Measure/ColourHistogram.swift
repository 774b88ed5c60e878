// Colour histogram distance: each frame set's pixels counted into a 3-D RGB histogram with
// `bins` levels per channel (8 → 512 cells), normalised to a probability distribution;
// the distance of two sets is the total variation ½·Σ|p − q| (0 = same colours in the
// same proportions, 1 = no colour in common).

public struct ColourHistogram: Equatable {
    public let bins: Int
    /// Fraction of pixels in each cell, index (r·bins + g)·bins + b.
    public private(set) var probabilities: [Double]

    public init(_ frames: FrameSet, bins: Int = 8) {
        precondition(bins >= 1 && bins <= 64, "histogram bins must be in 1...64")
        self.bins = bins
        var counts = [Int](repeating: 0, count: bins * bins * bins)
        let pixels = frames.values.count / 3
        let scale = Float(bins)
        frames.values.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                func level(_ x: Float) -> Int {
                    let l = Int(x * scale)
                    return l < 0 ? 0 : (l >= bins ? bins - 1 : l)
                }
                for p in 0..<pixels {
                    let r = level(v[3 * p]), g = level(v[3 * p + 1]), b = level(v[3 * p + 2])
                    c[(r * bins + g) * bins + b] += 1
                }
            }
        }
        let total = Double(max(pixels, 1))
        probabilities = counts.map { Double($0) / total }
    }

    /// Total variation distance ½·Σ|p − q|, in [0, 1].
    public func totalVariation(to other: ColourHistogram) -> Double {
        precondition(bins == other.bins, "histograms of different bin counts")
        var s = 0.0
        for i in 0..<probabilities.count { s += abs(probabilities[i] - other.probabilities[i]) }
        return s / 2
    }
}
