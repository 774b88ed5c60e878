import DuralavaData
import DuralavaNN
// Neighbour differences as the 8-bit frame shows them. The report card's linear family tells
// the shipped lamp from footage by its gradient histogram alone: in the dark background 15 % of
// the lamp's neighbour pairs are identical where the footage's are 54 %, and in the wax 0.2 %
// where the footage's are 8 % (flat cores, sharp edges; docs/training.md, "What to try next").
// A float difference d (in 8-bit levels) between two pixels becomes, after rounding at a
// uniformly random offset, a difference of ⌊|d|⌋ levels with probability 1 − frac(|d|) and one
// more otherwise: exactly triangular weights on integer bin centres. So this histogram of |d| over
// centres 0, 1, 2, 3 and "4 or more" levels is the expected histogram of the rounded frame's
// differences, and differentiable. Kept apart for dark pairs (both pixels' brightest channel
// below `darkLevel`) and the rest, over each channel's horizontal and vertical pairs.
//
// The loss is w·Σ (p_k − q_k)² between the decoded frames' histograms p and the footage's q,
// measured once on `targetFrames` frames spread over the footage (deterministic, so a resumed
// run uses the same target): a fixed target, not one batch's noisy one.

public struct NeighbourDifferenceLoss {
    /// Bin centres 0…4 levels; the last bin takes everything from 4 levels up.
    public static let bins = 5
    public static let regions = 2
    /// Pairs darker than this (both pixels' brightest channel, 0–1) count as background.
    public static let darkLevel: Float = 32 / 255
    public static let targetFrames = 256

    /// The footage's histograms: dark pairs' bins, then the others'; each region's sums to 1.
    public let target: [Float]

    public init(target: [Float]) {
        precondition(target.count == Self.bins * Self.regions)
        self.target = target
    }

    /// The target measured on frames spread evenly over the footage.
    public init(footage: LampSequences) {
        let count = Swift.min(Self.targetFrames, footage.sequences.count * footage.length)
        let frames = Tensor(shape: [count, footage.height, footage.width, 3])
        for i in 0..<count {
            let k = i * footage.sequences.count * footage.length / count
            footage.copyFrame(sequence: k % footage.sequences.count, step: k / footage.sequences.count,
                              into: frames.pointer + i * footage.frameValueCount)
        }
        self.init(target: Self.histograms(frames))
    }

    /// The expected 8-bit histograms of `frames` (NHWC, 0–1).
    public static func histograms(_ frames: Tensor) -> [Float] {
        var h = [Float](repeating: 0, count: bins * regions)
        visit(frames, binGradient: nil) { bin, weight, _ in h[bin] += weight }
        return h
    }

    /// Returns w·Σ(p − q)² for `prediction` and adds its gradient into `gradient`.
    public func evaluate(prediction: Tensor, gradient: Tensor, scale w: Float) -> Float {
        precondition(prediction.shape.count == 4 && prediction.shape[3] == 3 && gradient.shape == prediction.shape,
                     "neighbour differences: NHWC RGB frames")
        let p = Self.histograms(prediction)
        var loss: Float = 0
        var binGradient = [Float](repeating: 0, count: p.count)
        for k in p.indices {
            let d = p[k] - target[k]
            loss += d * d
            binGradient[k] = 2 * w * d
        }
        let g = gradient.pointer
        Self.visit(prediction, binGradient: binGradient) { _, _, pixelGradient in
            g[pixelGradient.b] += pixelGradient.value; g[pixelGradient.a] -= pixelGradient.value
        }
        return w * loss
    }

    /// Calls `body(bin, weight, (a, b, ∂L/∂x_b))` for every neighbour pair's two bins — with the
    /// pair's normalized weight, and, given `binGradient`, the gradient on pixel b (pixel a gets
    /// its negative).
    private static func visit(_ frames: Tensor, binGradient: [Float]?,
                              _ body: (Int, Float, (a: Int, b: Int, value: Float)) -> Void) {
        let n = frames.shape[0], h = frames.shape[1], wd = frames.shape[2]
        let x = frames.pointer
        // Pair counts per region first, so each region's histogram sums to 1.
        var counts = [Float](repeating: 0, count: regions)
        forEachPair(n, h, wd) { a, b in counts[region(x, a, b)] += 3 }
        forEachPair(n, h, wd) { a, b in
            let r = region(x, a, b)
            let unit = 1 / counts[r]
            for c in 0..<3 {
                let d = (x[b + c] - x[a + c]) * 255
                let s = FrameStatisticsLoss.spread(abs(d), first: 0, step: 1, count: bins)
                let low = r * bins + s.low
                var pixelGradient: Float = 0
                if let bg = binGradient, s.slope != 0 {
                    // ∂w_low/∂|d| = slope, ∂w_high/∂|d| = −slope; ∂|d|/∂x_b = 255·sign(d).
                    pixelGradient = (bg[low] - bg[low + 1]) * s.slope * unit * 255 * (d > 0 ? 1 : -1)
                }
                body(low, s.lowWeight * unit, (a + c, b + c, pixelGradient))
                if s.lowWeight < 1 { body(low + 1, (1 - s.lowWeight) * unit, (a + c, b + c, 0)) }
            }
        }
    }

    /// Offsets of every horizontal and vertical neighbour pair's first channel (a, then b).
    @inline(__always)
    private static func forEachPair(_ n: Int, _ h: Int, _ wd: Int, _ body: (Int, Int) -> Void) {
        for f in 0..<n {
            for y in 0..<h {
                for xIndex in 0..<wd {
                    let a = ((f * h + y) * wd + xIndex) * 3
                    if xIndex + 1 < wd { body(a, a + 3) }
                    if y + 1 < h { body(a, a + wd * 3) }
                }
            }
        }
    }

    @inline(__always)
    private static func region(_ x: UnsafeMutablePointer<Float>, _ a: Int, _ b: Int) -> Int {
        Swift.max(x[a], x[a + 1], x[a + 2], x[b], x[b + 1], x[b + 2]) < darkLevel ? 0 : 1
    }
}
