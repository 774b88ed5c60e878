import DuralavaNN
// Gradient difference loss (Mathieu, Couprie & LeCun 2016): the mean absolute difference
// between neighbouring-pixel differences of the reconstruction and of the real frame,
//   L = w / N · Σ |(r[p+1] − r[p]) − (x[p+1] − x[p])|   over horizontal and vertical pairs,
// on NHWC frames. Squared error leaves a grain of ±1–2 levels in flat regions (the
// reconstructions of a 5,000-step frame model had 27 % of their pixel pairs flat where real
// frames have 64 %), small enough for squared error to ignore and exactly what the report card's
// linear family sees; an L1 penalty on the differences pushes flat regions flat and keeps
// edges as sharp as the real ones.

public enum GradientDifferenceLoss {
    /// Returns L and adds ∂L/∂r into `gradient` (same shape as `prediction`).
    public static func evaluate(prediction: Tensor, target: Tensor, gradient: Tensor, scale w: Float) -> Float {
        let s = prediction.shape
        precondition(s.count == 4 && target.shape == s && gradient.shape == s, "gradient difference loss: NHWC frames of one shape")
        let n = s[0], h = s[1], wd = s[2], c = s[3]
        let pairs = n * c * ((wd - 1) * h + (h - 1) * wd)
        guard pairs > 0 else { return 0 }
        let r = prediction.pointer, x = target.pointer, g = gradient.pointer
        let unit = w / Float(pairs)
        var sum = 0.0
        // One neighbour pair (a, b = the pixel right of or below a).
        @inline(__always) func pair(_ a: Int, _ b: Int) {
            let d = (r[b] - r[a]) - (x[b] - x[a])
            sum += Double(abs(d))
            let gd: Float = d > 0 ? unit : (d < 0 ? -unit : 0)
            g[b] += gd; g[a] -= gd
        }
        for f in 0..<n {
            let frame = f * h * wd * c
            for y in 0..<h {
                for xIndex in 0..<wd {
                    let p = frame + (y * wd + xIndex) * c
                    for k in 0..<c {
                        if xIndex + 1 < wd { pair(p + k, p + c + k) }
                        if y + 1 < h { pair(p + k, p + wd * c + k) }
                    }
                }
            }
        }
        return w * Float(sum / Double(pairs))
    }
}
