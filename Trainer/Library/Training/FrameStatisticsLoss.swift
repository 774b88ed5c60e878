#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaNN
// Frame statistics matching: the decoded frames of a batch should have the footage's colours
// and the footage's sharpness, as a set. Two soft histograms of a set of NHWC frames (0–1):
// - colour: an RGB histogram of `colourBins`³ cells (8³ = 512, the report card's colour
//   distance), each pixel spread over its 8 nearest cell centres by triangular weights;
// - sharpness: the luma gradient magnitude m = |(∂x, ∂y)| (forward differences) on log2-spaced
//   bin centres 2^-11 … 2^-1, triangular in log2(m); below 2^-11 (an eighth of one 8-bit level)
//   a pair counts as flat.
// The loss is the total variation ½·Σ|p − q| of each histogram against the real frames' in the
// same batch. Squared error leaves a grain of 1–2 levels in flat regions and a colour cast in
// samples decoded from random latents, both too small per pixel for squared error or a critic to
// see and both plain in the statistics of the set (docs/training.md, "Where realism is lost").
// Matching only the set's histograms leaves each frame free: it is feature matching (Salimans
// et al. 2016) on fixed, hand-made features.

public enum FrameStatisticsLoss {
    public static let colourBins = 8
    /// log2 of the sharpness bin centres.
    public static let sharpnessLogCentres: [Float] = (0..<11).map { Float($0 - 11) }
    public static var binCount: Int { colourBins * colourBins * colourBins + sharpnessLogCentres.count }

    /// Triangular weights of `v` on evenly spaced centres c0 + k·step (k in 0..<n): the two
    /// neighbouring bins and the derivative of the lower one's weight (the upper one's is its
    /// negative); outside the centres all weight goes to the end bin and the derivative is 0.
    @inline(__always)
    static func spread(_ v: Float, first c0: Float, step: Float, count n: Int) -> (low: Int, lowWeight: Float, slope: Float) {
        let t = (v - c0) / step
        if t <= 0 { return (0, 1, 0) }
        if t >= Float(n - 1) { return (n - 1, 1, 0) }
        let k = Int(t)
        let f = t - Float(k)
        return (k, 1 - f, -1 / step)
    }

    /// The two soft histograms of `frames`, colour cells first, each summing to 1.
    public static func histograms(_ frames: Tensor) -> [Float] {
        var h = [Float](repeating: 0, count: binCount)
        accumulate(frames, histogram: &h, binGradient: nil, frameGradient: nil)
        return h
    }

    /// Returns w·(TV(colour) + TV(sharpness)) of `prediction` against `target` (both NHWC, any
    /// frame counts) and adds its gradient with respect to `prediction` into `gradient`.
    public static func evaluate(prediction: Tensor, target: Tensor, gradient: Tensor, scale w: Float) -> Float {
        precondition(prediction.shape.count == 4 && prediction.shape[3] == 3 && gradient.shape == prediction.shape
                     && target.shape.count == 4 && Array(target.shape[1...]) == Array(prediction.shape[1...]),
                     "frame statistics: NHWC RGB frames of one size")
        let p = histograms(prediction), q = histograms(target)
        var loss: Float = 0
        var binGradient = [Float](repeating: 0, count: binCount)
        for k in 0..<binCount {
            let d = p[k] - q[k]
            loss += abs(d) / 2
            binGradient[k] = d > 0 ? w / 2 : (d < 0 ? -w / 2 : 0)
        }
        var unused = [Float](repeating: 0, count: binCount)
        accumulate(prediction, histogram: &unused, binGradient: binGradient, frameGradient: gradient)
        return w * loss
    }

    /// Adds the histograms of `frames` into `histogram`; with `binGradient`, instead adds
    /// Σ_k binGradient[k]·∂h_k/∂frames into `frameGradient`.
    private static func accumulate(_ frames: Tensor, histogram h: inout [Float], binGradient: [Float]?, frameGradient: Tensor?) {
        let n = frames.shape[0], height = frames.shape[1], width = frames.shape[2]
        let x = frames.pointer
        let nb = colourBins, colourCells = nb * nb * nb
        let cStep = 1 / Float(nb), c0 = cStep / 2
        let pixels = Float(max(1, n * height * width))
        let pairs = Float(max(1, n * (height - 1) * (width - 1)))
        let sCount = sharpnessLogCentres.count, s0 = sharpnessLogCentres[0]
        let g = frameGradient?.pointer
        var luma = [Float](repeating: 0, count: height * width)
        var lumaGradient = [Float](repeating: 0, count: height * width)
        for f in 0..<n {
            let frame = x + f * height * width * 3
            // Colour: the product of three 1-D triangular spreads over the 8 surrounding cells.
            for pixel in 0..<(height * width) {
                let q = frame + 3 * pixel
                let r = spread(q[0], first: c0, step: cStep, count: nb)
                let gr = spread(q[1], first: c0, step: cStep, count: nb)
                let b = spread(q[2], first: c0, step: cStep, count: nb)
                luma[pixel] = 0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2]
                var dr: Float = 0, dg: Float = 0, db: Float = 0
                for i in 0..<2 {
                    let ri = min(r.low + i, nb - 1), wr = i == 0 ? r.lowWeight : 1 - r.lowWeight, sr = i == 0 ? r.slope : -r.slope
                    if i == 1 && r.lowWeight == 1 { continue }
                    for j in 0..<2 {
                        let gj = min(gr.low + j, nb - 1), wg = j == 0 ? gr.lowWeight : 1 - gr.lowWeight, sg = j == 0 ? gr.slope : -gr.slope
                        if j == 1 && gr.lowWeight == 1 { continue }
                        for k in 0..<2 {
                            let bk = min(b.low + k, nb - 1), wb = k == 0 ? b.lowWeight : 1 - b.lowWeight, sb = k == 0 ? b.slope : -b.slope
                            if k == 1 && b.lowWeight == 1 { continue }
                            let cell = (ri * nb + gj) * nb + bk
                            if let bg = binGradient {
                                let e = bg[cell] / pixels
                                dr += e * sr * wg * wb; dg += e * wr * sg * wb; db += e * wr * wg * sb
                            } else {
                                h[cell] += wr * wg * wb / pixels
                            }
                        }
                    }
                }
                if let g {
                    let o = f * height * width * 3 + 3 * pixel
                    g[o] += dr; g[o + 1] += dg; g[o + 2] += db
                }
            }
            // Sharpness: triangular in log2 of the gradient magnitude.
            if binGradient != nil { for i in 0..<lumaGradient.count { lumaGradient[i] = 0 } }
            for y in 0..<max(0, height - 1) {
                for xIndex in 0..<max(0, width - 1) {
                    let a = y * width + xIndex
                    let dx = luma[a + 1] - luma[a], dy = luma[a + width] - luma[a]
                    let m2 = dx * dx + dy * dy
                    let t = m2 > 0 ? 0.5 * log2(m2) : -Float.infinity
                    let s = spread(t, first: s0, step: 1, count: sCount)
                    if let bg = binGradient {
                        guard s.slope != 0 else { continue }
                        // ∂(weights)/∂t, then ∂t/∂m² = 1/(2·m²·ln 2), ∂m²/∂dx = 2·dx.
                        let dt = (bg[colourCells + s.low] - bg[colourCells + s.low + 1]) * s.slope / pairs
                        let dm2 = dt / (2 * m2 * Float(0.693147180559945))
                        let gx = dm2 * 2 * dx, gy = dm2 * 2 * dy
                        lumaGradient[a + 1] += gx; lumaGradient[a + width] += gy; lumaGradient[a] -= gx + gy
                    } else {
                        h[colourCells + s.low] += s.lowWeight / pairs
                        if s.lowWeight < 1 { h[colourCells + s.low + 1] += (1 - s.lowWeight) / pairs }
                    }
                }
            }
            if let g {
                for pixel in 0..<(height * width) {
                    let o = f * height * width * 3 + 3 * pixel, lg = lumaGradient[pixel]
                    g[o] += 0.299 * lg; g[o + 1] += 0.587 * lg; g[o + 2] += 0.114 * lg
                }
            }
        }
    }
}
