// How fast blobs move, by block matching: the luminance of a frame is cut into B×B blocks;
// for each block that has texture (an edge of wax, not flat liquid) and changed between
// frame t and frame t + lag, the displacement within ±radius pixels that minimises the mean
// squared luminance difference is its motion vector (ties go to the smaller shift).
// Lucas–Kanade steps (the block's luminance gradient against the residual, frame t + lag
// sampled bilinearly) then refine it to sub-pixel precision: blobs move a fraction of a pixel
// per lamp-second in a 64-pixel lamp, so whole pixels alone would mostly read 0 or 1. Speed is
// the vector's length over the lag's lamp time, in pixels per lamp-second.

public struct BlockMotion {
    public struct Settings: Equatable {
        /// Block edge in pixels.
        public var block: Int
        /// Largest displacement searched, in pixels per axis.
        public var radius: Int
        /// Luminance standard deviation (0–1) below which a block is flat and skipped.
        public var textureStd: Float = 0.03
        /// Mean absolute luminance change at zero shift below which a block did not move.
        public var changeFloor: Float = 0.01

        public init(block: Int, radius: Int) { self.block = block; self.radius = radius }

        /// Blocks of 1/8 of the frame's shorter side (at least 4 px); search up to that far.
        public static func forFrame(width: Int, height: Int) -> Settings {
            let b = max(4, min(width, height) / 8)
            return Settings(block: b, radius: max(2, b))
        }
    }

    /// A block's motion: its top-left corner in the first frame and its displacement.
    public struct Vector: Equatable {
        public var x: Int, y: Int
        public var dx: Float, dy: Float
        public var length: Float { (dx * dx + dy * dy).squareRoot() }
    }

    /// Rec. 601 luma of an RGB frame (H×W×3, 0–1) as H×W values.
    public static func luminance(_ frame: UnsafePointer<Float>, width: Int, height: Int) -> [Float] {
        (0..<(width * height)).map { p in
            0.299 * frame[3 * p] + 0.587 * frame[3 * p + 1] + 0.114 * frame[3 * p + 2]
        }
    }

    /// Motion vectors of the textured blocks of `a` (luminance, H×W) that changed in `b`.
    /// Blocks that are flat or unchanged give no vector.
    public static func vectors(from a: [Float], to b: [Float], width w: Int, height h: Int,
                               settings s: Settings) -> [Vector] {
        precondition(a.count == w * h && b.count == w * h, "luminance images must be \(w)x\(h)")
        let bs = s.block
        guard bs <= w && bs <= h else { return [] }
        var out: [Vector] = []
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let pa = pa.baseAddress!, pb = pb.baseAddress!
                // Mean squared difference of block (x, y) in a and block (x+dx, y+dy) in b.
                func cost(_ x: Int, _ y: Int, _ dx: Int, _ dy: Int) -> Float {
                    var sum: Float = 0
                    for r in 0..<bs {
                        let ra = pa + (y + r) * w + x, rb = pb + (y + r + dy) * w + x + dx
                        for c in 0..<bs { let d = ra[c] - rb[c]; sum += d * d }
                    }
                    return sum / Float(bs * bs)
                }
                // Mean absolute change of block (x, y) where it stands.
                func change(_ x: Int, _ y: Int) -> Float {
                    var sum: Float = 0
                    for r in 0..<bs {
                        let ra = pa + (y + r) * w + x, rb = pb + (y + r) * w + x
                        for c in 0..<bs { sum += abs(ra[c] - rb[c]) }
                    }
                    return sum / Float(bs * bs)
                }
                for y in stride(from: 0, through: h - bs, by: bs) {
                    for x in stride(from: 0, through: w - bs, by: bs) {
                        guard blockStd(pa, width: w, x: x, y: y, block: bs) >= s.textureStd else { continue }
                        guard change(x, y) >= s.changeFloor else { continue }
                        let still = cost(x, y, 0, 0)
                        var best = (dx: 0, dy: 0, c: still, d2: 0)
                        for dy in -s.radius...s.radius where y + dy >= 0 && y + dy + bs <= h {
                            for dx in -s.radius...s.radius where x + dx >= 0 && x + dx + bs <= w {
                                let c = cost(x, y, dx, dy)
                                let d2 = dx * dx + dy * dy
                                if c < best.c || (c == best.c && d2 < best.d2) { best = (dx, dy, c, d2) }
                            }
                        }
                        let (fx, fy) = refine(pa, pb, width: w, height: h, x: x, y: y, block: bs,
                                              dx: Float(best.dx), dy: Float(best.dy))
                        out.append(Vector(x: x, y: y, dx: fx, dy: fy))
                    }
                }
            }
        }
        return out
    }
}

/// Blob speed of a frame set: block motion between frames `lag` steps apart (pairs taken
/// every `lag` frames inside each segment), as pixels per lamp-second.
public struct BlobSpeed {
    public let lagSteps: Int
    public let stepSeconds: Double
    /// Speed of every moving textured block, px per lamp-second.
    public let speeds: [Double]
    /// Textured blocks examined (moving or not) and how many of them moved.
    public let texturedBlocks: Int
    public let movingBlocks: Int

    public init(_ frames: FrameSet, stepSeconds: Double, lagSeconds: Double = 1.0,
                settings: BlockMotion.Settings? = nil) {
        precondition(stepSeconds > 0, "step seconds must be positive")
        let lag = max(1, Int((lagSeconds / stepSeconds).rounded()))
        lagSteps = lag
        self.stepSeconds = stepSeconds
        let s = settings ?? .forFrame(width: frames.width, height: frames.height)
        var speeds: [Double] = []
        var textured = 0, movingCount = 0
        let seconds = Double(lag) * stepSeconds
        for seg in frames.segments {
            var t = seg.lowerBound
            while t + lag < seg.upperBound {
                let a = frames.withFrame(t) { BlockMotion.luminance($0, width: frames.width, height: frames.height) }
                let b = frames.withFrame(t + lag) { BlockMotion.luminance($0, width: frames.width, height: frames.height) }
                textured += BlockMotion.texturedBlockCount(a, width: frames.width, height: frames.height, settings: s)
                let vs = BlockMotion.vectors(from: a, to: b, width: frames.width, height: frames.height, settings: s)
                movingCount += vs.count
                speeds += vs.map { Double($0.length) / seconds }
                t += lag
            }
        }
        self.speeds = speeds
        texturedBlocks = textured
        movingBlocks = movingCount
    }

    public var distribution: Distribution { Distribution(speeds) }
    /// Fraction of textured blocks that changed between the paired frames.
    public var movingFraction: Double { texturedBlocks > 0 ? Double(movingBlocks) / Double(texturedBlocks) : 0 }
}

extension BlockMotion {
    /// Number of blocks of `a` with enough texture to be matched.
    public static func texturedBlockCount(_ a: [Float], width w: Int, height h: Int, settings s: Settings) -> Int {
        let bs = s.block
        guard bs <= w && bs <= h else { return 0 }
        var count = 0
        for y in stride(from: 0, through: h - bs, by: bs) {
            for x in stride(from: 0, through: w - bs, by: bs) {
                let std = a.withUnsafeBufferPointer { blockStd($0.baseAddress!, width: w, x: x, y: y, block: bs) }
                if std >= s.textureStd { count += 1 }
            }
        }
        return count
    }

    /// Sub-pixel refinement of the displacement (dx, dy) of block (x, y): Gauss–Newton on the
    /// squared difference, with the gradient of the first frame (central differences) and a
    /// little Tikhonov damping so a straight edge (aperture problem) does not slide along itself.
    /// Corrections stay within one pixel of the integer match.
    static func refine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width w: Int, height h: Int,
                       x: Int, y: Int, block bs: Int, dx: Float, dy: Float) -> (Float, Float) {
        @inline(__always) func pixel(_ p: UnsafePointer<Float>, _ px: Int, _ py: Int) -> Float {
            p[min(max(py, 0), h - 1) * w + min(max(px, 0), w - 1)]
        }
        @inline(__always) func bilinear(_ p: UnsafePointer<Float>, _ fx: Float, _ fy: Float) -> Float {
            let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down))
            let tx = fx - Float(x0), ty = fy - Float(y0)
            let top = pixel(p, x0, y0) * (1 - tx) + pixel(p, x0 + 1, y0) * tx
            let bottom = pixel(p, x0, y0 + 1) * (1 - tx) + pixel(p, x0 + 1, y0 + 1) * tx
            return top * (1 - ty) + bottom * ty
        }
        var gxx: Float = 0, gxy: Float = 0, gyy: Float = 0
        var gx = [Float](repeating: 0, count: bs * bs), gy = [Float](repeating: 0, count: bs * bs)
        for r in 0..<bs {
            for c in 0..<bs {
                let px = x + c, py = y + r
                let ix = (pixel(a, px + 1, py) - pixel(a, px - 1, py)) / 2
                let iy = (pixel(a, px, py + 1) - pixel(a, px, py - 1)) / 2
                gx[r * bs + c] = ix; gy[r * bs + c] = iy
                gxx += ix * ix; gxy += ix * iy; gyy += iy * iy
            }
        }
        let damping = 1e-2 * (gxx + gyy) / 2 + 1e-12
        let axx = gxx + damping, ayy = gyy + damping
        let det = axx * ayy - gxy * gxy
        guard det > 0 else { return (dx, dy) }
        var ux = dx, uy = dy
        for _ in 0..<5 {
            var ex: Float = 0, ey: Float = 0
            for r in 0..<bs {
                for c in 0..<bs {
                    let e = pixel(a, x + c, y + r) - bilinear(b, Float(x + c) + ux, Float(y + r) + uy)
                    ex += gx[r * bs + c] * e; ey += gy[r * bs + c] * e
                }
            }
            let sx = (ayy * ex - gxy * ey) / det, sy = (axx * ey - gxy * ex) / det
            ux = min(max(ux + sx, dx - 1), dx + 1)
            uy = min(max(uy + sy, dy - 1), dy + 1)
            if abs(sx) < 1e-3 && abs(sy) < 1e-3 { break }
        }
        return (ux, uy)
    }

    /// Standard deviation of the B×B block at (x, y) of an image `width` wide.
    static func blockStd(_ p: UnsafePointer<Float>, width w: Int, x: Int, y: Int, block bs: Int) -> Float {
        var m: Float = 0, m2: Float = 0
        for r in 0..<bs { for c in 0..<bs { let v = p[(y + r) * w + x + c]; m += v; m2 += v * v } }
        let n = Float(bs * bs)
        return max(m2 / n - (m / n) * (m / n), 0).squareRoot()
    }
}
