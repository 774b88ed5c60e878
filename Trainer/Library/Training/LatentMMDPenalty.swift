import DuralavaNN
/// Maximum mean discrepancy between a batch of codes [N, d] and samples of the prior [M, d]
/// (renormalized N(0, I) latents: the sphere the lamp's loop keeps its latent on), with the
/// inverse multiquadratic kernel k(x, y) = C / (C + |x − y|²) summed over the scales
/// C = s · 2d, s ∈ {0.1, 0.2, 0.5, 1, 2, 5, 10} (Tolstikhin et al. 2018, WAE-MMD). Where the
/// per-dimension prior penalty matches each code dimension's mean and variance, this matches
/// the codes' joint distribution to the sphere's, so that random points of the sphere lie
/// among the codes the decoder learned rather than between them (docs/training.md).
///
///   MMD² = 1/(N(N−1)) Σ_{i≠j} k(z_i, z_j) − 2/(NM) Σ_{i,j} k(z_i, p_j) + const(p)
///
/// The prior's own term does not depend on the codes; it is left out of the value's gradient
/// but kept in the value, so that 0 means the two batches are alike.
public enum LatentMMDPenalty {
    public static let scales: [Float] = [0.1, 0.2, 0.5, 1, 2, 5, 10]

    @discardableResult
    public static func evaluate(latents: Tensor, prior: Tensor, gradient: Tensor? = nil, scale: Float = 1) -> Float {
        let n = latents.batch, m = prior.batch, d = latents.itemCount
        precondition(n > 1 && m > 1 && prior.itemCount == d, "LatentMMDPenalty needs batches of equal width")
        let z = latents.pointer, p = prior.pointer
        if let g = gradient { g.fill(0) }
        let base = 2 * Float(d)
        var total = 0.0
        func distance(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>) -> Float {
            var s: Float = 0
            for k in 0..<d { let e = a[k] - b[k]; s += e * e }
            return s
        }
        // k and dk/d(|x−y|²) summed over the scales.
        func kernel(_ r: Float) -> (value: Float, slope: Float) {
            var v: Float = 0, s: Float = 0
            for c in scales {
                let cc = c * base, q = cc + r
                v += cc / q
                s -= cc / (q * q)
            }
            return (v, s)
        }
        let wzz = 1 / Float(n * (n - 1)), wzp = 2 / Float(n * m), wpp = 1 / Float(m * (m - 1))
        for i in 0..<n {
            for j in 0..<n where j != i {
                let (v, s) = kernel(distance(z + i * d, z + j * d))
                total += Double(wzz * v)
                if let g = gradient?.pointer {
                    // d/dz_i of k(|z_i − z_j|²), from both (i, j) and (j, i): factor 2 · 2(z_i − z_j).
                    let f = scale * wzz * s * 4
                    for k in 0..<d { g[i * d + k] += f * (z[i * d + k] - z[j * d + k]) }
                }
            }
            for j in 0..<m {
                let (v, s) = kernel(distance(z + i * d, p + j * d))
                total -= Double(wzp * v)
                if let g = gradient?.pointer {
                    let f = -scale * wzp * s * 2
                    for k in 0..<d { g[i * d + k] += f * (z[i * d + k] - p[j * d + k]) }
                }
            }
        }
        for i in 0..<m {
            for j in 0..<m where j != i { total += Double(wpp * kernel(distance(p + i * d, p + j * d)).value) }
        }
        return scale * Float(total)
    }
}
