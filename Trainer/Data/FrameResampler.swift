// Fitting a source frame to the training size: centre-crop to the target's aspect ratio,
// then resample by area averaging (every output pixel is the exact average of the
// source area it covers, fractional pixels weighted by their overlap). Downscaling
// averages without aliasing; upscaling degrades gracefully to a box filter.

public enum FrameResampler {
    /// For each output index, the source indices it covers and their weights (summing to 1).
    struct Taps {
        var start: [Int] = []     // first source index per output
        var weights: [[Float]] = []
    }

    /// Taps covering [origin, origin + span) of a source axis with outputs equal parts.
    static func taps(origin: Double, span: Double, outputs: Int, sourceLength: Int) -> Taps {
        var t = Taps()
        let step = span / Double(outputs)
        for o in 0..<outputs {
            let a = origin + Double(o) * step, b = a + step
            let first = max(0, Int(a.rounded(.down)))
            let last = min(sourceLength - 1, Int((b - 1e-9).rounded(.down)))
            var w = [Float]()
            var total = 0.0
            if last >= first {
                for s in first...last {
                    let overlap = min(b, Double(s + 1)) - max(a, Double(s))
                    w.append(Float(max(overlap, 0)))
                    total += max(overlap, 0)
                }
            }
            if total <= 0 { w = [1]; total = 1 }
            t.start.append(first)
            t.weights.append(w.map { $0 / Float(total) })
        }
        return t
    }

    /// Fits `image` to width x height by `fit` (interleaved 8-bit RGB out): a letterbox is the
    /// whole image resampled to its largest same-aspect size, centred on black.
    public static func fit(_ image: RGBImage, width: Int, height: Int, fit: FrameFit) -> [UInt8] {
        guard fit == .letterbox else { return self.fit(image, width: width, height: height) }
        let c = FrameFit.letterboxContent(sourceWidth: image.width, sourceHeight: image.height, width: width, height: height)
        let content = self.fit(image, width: c.width, height: c.height)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let x0 = (width - c.width) / 2, y0 = (height - c.height) / 2
        for y in 0..<c.height {
            let src = y * c.width * 3, dst = ((y0 + y) * width + x0) * 3
            out[dst..<(dst + c.width * 3)] = content[src..<(src + c.width * 3)]
        }
        return out
    }

    /// Resamples `image` to width x height (interleaved 8-bit RGB out), centre-cropped.
    public static func fit(_ image: RGBImage, width: Int, height: Int) -> [UInt8] {
        let sw = Double(image.width), sh = Double(image.height)
        // The centred crop with the target's aspect ratio.
        var cropW = sw, cropH = sh
        if sw * Double(height) > sh * Double(width) { cropW = sh * Double(width) / Double(height) }
        else { cropH = sw * Double(height) / Double(width) }
        let x0 = 0.5 * (sw - cropW), y0 = 0.5 * (sh - cropH)
        let tx = taps(origin: x0, span: cropW, outputs: width, sourceLength: image.width)
        let ty = taps(origin: y0, span: cropH, outputs: height, sourceLength: image.height)

        // Horizontal pass over the rows the vertical pass will use.
        let rowFirst = ty.start.first ?? 0
        let rowEnd = zip(ty.start, ty.weights).map { $0 + $1.count }.max() ?? 0
        var rows = [Float](repeating: 0, count: max(rowEnd - rowFirst, 0) * width * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for r in rowFirst..<rowEnd {
                let srcRow = r * image.width * 3
                let dstRow = (r - rowFirst) * width * 3
                for o in 0..<width {
                    var acc = SIMD3<Float>(repeating: 0)
                    var s = tx.start[o]
                    for w in tx.weights[o] {
                        let i = srcRow + 3 * s
                        acc += w * SIMD3<Float>(Float(src[i]), Float(src[i + 1]), Float(src[i + 2]))
                        s += 1
                    }
                    rows[dstRow + 3 * o] = acc.x
                    rows[dstRow + 3 * o + 1] = acc.y
                    rows[dstRow + 3 * o + 2] = acc.z
                }
            }
        }
        // Vertical pass.
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for o in 0..<height {
            var r = ty.start[o] - rowFirst
            var acc = [Float](repeating: 0, count: width * 3)
            for w in ty.weights[o] {
                let base = r * width * 3
                for i in 0..<(width * 3) { acc[i] += w * rows[base + i] }
                r += 1
            }
            let dst = o * width * 3
            for i in 0..<(width * 3) { out[dst + i] = UInt8(min(max(acc[i], 0), 255) + 0.5) }
        }
        return out
    }
}
