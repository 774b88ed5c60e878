// Order statistics of a sample: the figures a report card gives for a distribution.

public struct Distribution: Equatable {
    public var count: Int
    public var mean: Double
    public var minimum: Double
    public var p5: Double
    public var q1: Double
    public var median: Double
    public var q3: Double
    public var p95: Double
    public var maximum: Double

    /// Quantiles by linear interpolation between order statistics (numpy's default); all
    /// zero for an empty sample.
    public init(_ sample: [Double]) {
        count = sample.count
        guard !sample.isEmpty else {
            mean = 0; minimum = 0; p5 = 0; q1 = 0; median = 0; q3 = 0; p95 = 0; maximum = 0
            return
        }
        let s = sample.sorted()
        mean = s.reduce(0, +) / Double(s.count)
        minimum = s[0]; maximum = s[s.count - 1]
        p5 = Distribution.quantile(sorted: s, 0.05)
        q1 = Distribution.quantile(sorted: s, 0.25)
        median = Distribution.quantile(sorted: s, 0.5)
        q3 = Distribution.quantile(sorted: s, 0.75)
        p95 = Distribution.quantile(sorted: s, 0.95)
    }

    public init(_ sample: [Float]) { self.init(sample.map(Double.init)) }

    /// The q-quantile of an ascending sample (linear interpolation).
    public static func quantile(sorted s: [Double], _ q: Double) -> Double {
        precondition(!s.isEmpty, "quantile of an empty sample")
        let position = q * Double(s.count - 1)
        let lo = Int(position.rounded(.down))
        let hi = min(lo + 1, s.count - 1)
        let t = position - Double(lo)
        return s[lo] + (s[hi] - s[lo]) * t
    }

    /// The q-quantile of any sample; 0 for an empty one.
    public static func quantile(_ v: [Double], _ q: Double) -> Double {
        v.isEmpty ? 0 : quantile(sorted: v.sorted(), q)
    }
}

/// Mean, standard deviation (population), skewness and kurtosis of a stream of values,
/// accumulated as power sums in Double without storing the values (fine for values of
/// order 1 such as latents, whose mean is near 0).
public struct MomentAccumulator: Equatable {
    public private(set) var count = 0
    private var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
    public init() {}

    @inline(__always)
    public mutating func add(_ x: Double) {
        count += 1
        let x2 = x * x
        s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2
    }

    public mutating func add(_ values: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { add(Double(values[i])) }
    }

    public var mean: Double { count > 0 ? s1 / Double(count) : 0 }
    public var variance: Double {
        guard count > 0 else { return 0 }
        let m = mean
        return max(s2 / Double(count) - m * m, 0)
    }
    public var std: Double { variance.squareRoot() }
    public var skewness: Double {
        guard count > 0, variance > 0 else { return 0 }
        let n = Double(count), m = mean
        let m3 = s3 / n - 3 * m * s2 / n + 2 * m * m * m
        return m3 / (variance * std)
    }
    public var kurtosis: Double {
        guard count > 0, variance > 0 else { return 0 }
        let n = Double(count), m = mean
        let m4 = s4 / n - 4 * m * s3 / n + 6 * m * m * s2 / n - 3 * m * m * m * m
        return m4 / (variance * variance)
    }
}
