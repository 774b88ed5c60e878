/// Shifts and scales `count` values to mean 0 and standard deviation 1 (population, divisor n),
/// the way the lamp keeps its latent on the distribution the generator learned.
/// Returns false, leaving the values untouched, when they are non-finite or all (nearly) equal.
@discardableResult
public func renormalize(_ z: UnsafeMutablePointer<Float>, count: Int, minimumStd: Float = 1e-6) -> Bool {
    var sum: Double = 0
    for i in 0..<count { sum += Double(z[i]) }
    let mean = sum / Double(count)
    var sq: Double = 0
    for i in 0..<count { let d = Double(z[i]) - mean; sq += d * d }
    let std = (sq / Double(count)).squareRoot()
    guard mean.isFinite, std.isFinite, std > Double(minimumStd) else { return false }
    let m = Float(mean), inv = Float(1 / std)
    for i in 0..<count { z[i] = (z[i] - m) * inv }
    return true
}

/// Mean, standard deviation, skewness and kurtosis of a vector (for reports and tests).
public struct Moments: Equatable {
    public var mean: Double, std: Double, skew: Double, kurtosis: Double

    public init(_ v: UnsafeBufferPointer<Float>) {
        let n = Double(v.count)
        var s: Double = 0
        for x in v { s += Double(x) }
        mean = s / n
        var m2: Double = 0, m3: Double = 0, m4: Double = 0
        for x in v {
            let d = Double(x) - mean
            m2 += d * d; m3 += d * d * d; m4 += d * d * d * d
        }
        m2 /= n; m3 /= n; m4 /= n
        std = m2.squareRoot()
        skew = m2 > 0 ? m3 / (m2 * std) : 0
        kurtosis = m2 > 0 ? m4 / (m2 * m2) : 0
    }

    public init(_ v: [Float]) { self = v.withUnsafeBufferPointer { Moments($0) } }
}
