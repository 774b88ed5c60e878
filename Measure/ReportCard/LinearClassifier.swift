#if canImport(Glibc)
import DuralavaNN
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

// The report card's second classifier family: logistic regression on hand-made frame
// features, beside the CNN of Classifier.swift. A CNN and a linear model on summary
// features fail in different ways (the CNN learns local texture and can miss a global colour
// or sharpness shift that a histogram shows at once), so realism is the worse of the two,
// each against its own real-vs-real floor. Same split, same balanced accuracy, same result
// type as the CNN's test.
//
// Features of one frame (each standardised over the training frames of both sets):
// - the frame area-averaged to cells of `cell`×`cell` pixels (8×8×3 = 192 values at 64×64):
//   where the wax is, and its colour;
// - an RGB colour histogram with `colourBins`³ bins (fractions of the frame's pixels);
// - a histogram of the luma gradient magnitude (forward differences) over fixed log-spaced
//   edges: how sharp the frame is — soft, smudged blobs put their mass in the low bins.

public struct LinearClassifierSettings: Equatable {
    /// Side of the averaged cells in pixels (nil: the frame's shorter side / 8, at least 1: an
    /// 8×8 grid at 64×64; a 16×16 grid, 841 features in all, overfitted 380 training frames per set
    /// — two halves of one lamp run scored 0.74).
    public var cell: Int? = nil
    public var colourBins = 4
    /// Upper edges of the gradient-magnitude bins (the last bin is open).
    public var gradientEdges: [Float] = [0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32]
    /// Full-batch Adam iterations on the class-balanced logistic loss.
    public var steps = 300
    public var learningRate = 0.01
    /// L2 penalty on the weights (the loss is a mean, the features standardised).
    public var l2 = 0.03
    public init() {}

    public func cellSide(width: Int, height: Int) -> Int { cell ?? max(1, min(width, height) / 8) }

    public func description(width: Int, height: Int) -> String {
        let c = cellSide(width: width, height: height)
        return "logistic regression on \(width / c)x\(height / c)x3 area-averaged pixels (\(c)x\(c) px cells), an RGB histogram "
            + "of \(colourBins)x\(colourBins)x\(colourBins) bins and a \(gradientEdges.count + 1)-bin histogram of the luma gradient "
            + "magnitude (edges \(gradientEdges.map { NumberFormat.significant(Double($0)) }.joined(separator: ", "))), features "
            + "standardised over the training frames; class-balanced logistic loss with L2 \(NumberFormat.significant(l2)), "
            + "\(steps) full-batch Adam steps at \(NumberFormat.significant(learningRate))"
    }
}

public enum LinearTwoSampleTest {
    /// The feature vector of one frame (H×W×3, 0–1).
    public static func features(_ frame: UnsafePointer<Float>, width w: Int, height h: Int,
                                settings s: LinearClassifierSettings) -> [Double] {
        let c = s.cellSide(width: w, height: h)
        let gw = w / c, gh = h / c
        var out = [Double](repeating: 0, count: gw * gh * 3 + s.colourBins * s.colourBins * s.colourBins + s.gradientEdges.count + 1)
        let area = Double(c * c)
        for gy in 0..<gh {
            for gx in 0..<gw {
                var sum = (0.0, 0.0, 0.0)
                for y in (gy * c)..<(gy * c + c) {
                    for x in (gx * c)..<(gx * c + c) {
                        let p = frame + 3 * (y * w + x)
                        sum.0 += Double(p[0]); sum.1 += Double(p[1]); sum.2 += Double(p[2])
                    }
                }
                let o = 3 * (gy * gw + gx)
                out[o] = sum.0 / area; out[o + 1] = sum.1 / area; out[o + 2] = sum.2 / area
            }
        }
        let hist = gw * gh * 3, nb = s.colourBins
        let pixels = Double(w * h)
        func bin(_ v: Float) -> Int { min(nb - 1, max(0, Int(v * Float(nb)))) }
        for p in 0..<(w * h) {
            let q = frame + 3 * p
            out[hist + (bin(q[0]) * nb + bin(q[1])) * nb + bin(q[2])] += 1 / pixels
        }
        let grad = hist + nb * nb * nb
        var luma = [Float](repeating: 0, count: w * h)
        for p in 0..<(w * h) { let q = frame + 3 * p; luma[p] = 0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2] }
        let gradients = Double(max(1, (w - 1) * (h - 1)))
        for y in 0..<max(0, h - 1) {
            for x in 0..<max(0, w - 1) {
                let l = luma[y * w + x]
                let gx = luma[y * w + x + 1] - l, gy = luma[(y + 1) * w + x] - l
                let m = (gx * gx + gy * gy).squareRoot()
                let k = s.gradientEdges.firstIndex { m < $0 } ?? s.gradientEdges.count
                out[grad + k] += 1 / gradients
            }
        }
        return out
    }

    /// Trains on the training frames of `a` (label 1) and `b` (label 0), scores on their test
    /// frames; splits as the CNN test makes them. `settings` supplies the split.
    public static func run(_ a: FrameSet, _ b: FrameSet, split s: ClassifierSettings = ClassifierSettings(),
                           settings ls: LinearClassifierSettings = LinearClassifierSettings(),
                           splitA givenA: ChunkSplit? = nil, splitB givenB: ChunkSplit? = nil) -> TwoSampleResult {
        let started = monotonicSeconds()
        let (splitA, splitB) = ChunkSplit.pair(a, b, settings: s, givenA: givenA, givenB: givenB)
        func rows(_ set: FrameSet, _ indices: [Int]) -> [[Double]] {
            indices.map { i in set.withFrame(i) { features($0, width: set.width, height: set.height, settings: ls) } }
        }
        let trainA = rows(a, splitA.train), trainB = rows(b, splitB.train)
        let testA = rows(a, splitA.test), testB = rows(b, splitB.test)
        let d = trainA[0].count

        // Standardisation over the training frames of both sets; rows stored flat.
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 0, count: d)
        let all = trainA + trainB
        for r in all { for k in 0..<d { mean[k] += r[k] } }
        for k in 0..<d { mean[k] /= Double(all.count) }
        for r in all { for k in 0..<d { let e = r[k] - mean[k]; scale[k] += e * e } }
        for k in 0..<d { let sd = (scale[k] / Double(all.count)).squareRoot(); scale[k] = sd > 1e-9 ? 1 / sd : 0 }
        func standardise(_ x: [[Double]]) -> [Double] {
            var out = [Double](repeating: 0, count: x.count * d)
            for (i, r) in x.enumerated() { for k in 0..<d { out[i * d + k] = (r[k] - mean[k]) * scale[k] } }
            return out
        }
        let xa = standardise(trainA), xb = standardise(trainB)

        // Class-balanced logistic regression, full-batch Adam.
        var w = [Double](repeating: 0, count: d + 1)  // the last one is the bias
        var m = [Double](repeating: 0, count: d + 1), v = [Double](repeating: 0, count: d + 1)
        var g = [Double](repeating: 0, count: d + 1)
        let beta1 = 0.9, beta2 = 0.999
        func logit(_ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>) -> Double {
            var z = w[d]
            for k in 0..<d { z += w[k] * x[k] }
            return z
        }
        for step in 1...max(1, ls.steps) {
            for k in 0...d { g[k] = 0 }
            w.withUnsafeBufferPointer { wp in
                g.withUnsafeMutableBufferPointer { gp in
                    for (set, label) in [(xa, 1.0), (xb, 0.0)] {
                        let n = set.count / d, weight = 0.5 / Double(n)
                        set.withUnsafeBufferPointer { xp in
                            for i in 0..<n {
                                let x = xp.baseAddress! + i * d
                                let p = 1 / (1 + exp(-logit(x, wp.baseAddress!)))
                                let e = weight * (p - label)
                                for k in 0..<d { gp[k] += e * x[k] }
                                gp[d] += e
                            }
                        }
                    }
                }
            }
            for k in 0..<d { g[k] += ls.l2 * w[k] }
            let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
            for k in 0...d {
                m[k] = beta1 * m[k] + (1 - beta1) * g[k]
                v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k]
                w[k] -= ls.learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + 1e-8)
            }
        }
        func accuracy(_ x: [Double], label: Double) -> Double {
            let n = x.count / d
            guard n > 0 else { return 0 }
            var right = 0
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    for i in 0..<n where (logit(xp.baseAddress! + i * d, wp.baseAddress!) > 0) == (label == 1) { right += 1 }
                }
            }
            return Double(right) / Double(n)
        }
        let accA = accuracy(standardise(testA), label: 1), accB = accuracy(standardise(testB), label: 0)
        let fit = (accuracy(xa, label: 1) + accuracy(xb, label: 0)) / 2
        return TwoSampleResult(accuracy: (accA + accB) / 2, accuracyA: accA, accuracyB: accB, trainAccuracy: fit,
                                   trainFrames: (splitA.train.count, splitB.train.count),
                                   testFrames: (splitA.test.count, splitB.test.count),
                                   seconds: monotonicSeconds() - started)
    }
}
