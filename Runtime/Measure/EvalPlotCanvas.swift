// An 8-bit RGB drawing surface for the report card's plots (no external tools): filled
// rectangles, lines, text in the 5×7 bitmap font, and frames pasted in at an integer scale.

public struct EvalColour: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public static let white = EvalColour(255, 255, 255)
    public static let black = EvalColour(0, 0, 0)
    public static let grey = EvalColour(150, 150, 150)
    public static let lightGrey = EvalColour(225, 225, 225)
    /// The two series colours: generated (orange) and real (blue), also red/green for targets.
    public static let generated = EvalColour(230, 110, 20)
    public static let real = EvalColour(40, 100, 200)
    public static let target = EvalColour(60, 170, 80)
    public static let fail = EvalColour(210, 40, 40)
}

public struct EvalPlotCanvas {
    public let width: Int
    public let height: Int
    /// Interleaved RGB, rows top first.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: EvalColour = .white) {
        precondition(width > 0 && height > 0)
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fillRect(x: 0, y: 0, width: width, height: height, background)
    }

    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, _ c: EvalColour) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
    }

    /// Clipped to the canvas.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ c: EvalColour) {
        let x0 = max(x, 0), y0 = max(y, 0), x1 = min(x + w, width), y1 = min(y + h, height)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { set(xx, yy, c) } }
    }

    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ c: EvalColour) {
        line(x, y, x + w - 1, y, c); line(x, y + h - 1, x + w - 1, y + h - 1, c)
        line(x, y, x, y + h - 1, c); line(x + w - 1, y, x + w - 1, y + h - 1, c)
    }

    /// Bresenham line, `thickness` pixels wide (a square pen).
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: EvalColour, thickness: Int = 1) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        let lo = -(thickness - 1) / 2, hi = thickness / 2
        while true {
            for oy in lo...hi { for ox in lo...hi { set(x + ox, y + oy, c) } }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// A dashed horizontal line (for target limits).
    public mutating func dashedHorizontal(y: Int, from x0: Int, to x1: Int, _ c: EvalColour, dash: Int = 6) {
        var x = x0
        while x <= x1 {
            line(x, y, min(x + dash - 1, x1), y, c)
            x += 2 * dash
        }
    }

    /// Text with its top-left corner at (x, y); each font pixel drawn `scale`×`scale`.
    public mutating func text(_ s: String, x: Int, y: Int, _ c: EvalColour = .black, scale: Int = 1) {
        var cx = x
        for ch in s {
            let rows = EvalBitmapFont.rows(ch)
            for (r, bits) in rows.enumerated() {
                for col in 0..<EvalBitmapFont.glyphWidth where bits & (1 << (EvalBitmapFont.glyphWidth - 1 - col)) != 0 {
                    fillRect(x: cx + col * scale, y: y + r * scale, width: scale, height: scale, c)
                }
            }
            cx += EvalBitmapFont.advance * scale
        }
    }

    public static func textWidth(_ s: String, scale: Int = 1) -> Int { EvalBitmapFont.width(s) * scale }

    /// Text drawn bottom-to-top (rotated 90° counter-clockwise) with its bottom-left at (x, y).
    public mutating func verticalText(_ s: String, x: Int, y: Int, _ c: EvalColour = .black) {
        var cy = y
        for ch in s {
            let rows = EvalBitmapFont.rows(ch)
            for (r, bits) in rows.enumerated() {
                for col in 0..<EvalBitmapFont.glyphWidth where bits & (1 << (EvalBitmapFont.glyphWidth - 1 - col)) != 0 {
                    set(x + r, cy - col, c)
                }
            }
            cy -= EvalBitmapFont.advance
        }
    }

    /// Pastes an RGB image (w×h, interleaved) with its top-left at (x, y), each pixel
    /// enlarged to `scale`×`scale`.
    public mutating func paste(_ rgb: [UInt8], width w: Int, height h: Int, x: Int, y: Int, scale: Int = 1) {
        precondition(rgb.count == w * h * 3)
        for sy in 0..<h {
            for sx in 0..<w {
                let i = (sy * w + sx) * 3
                fillRect(x: x + sx * scale, y: y + sy * scale, width: scale, height: scale,
                         EvalColour(rgb[i], rgb[i + 1], rgb[i + 2]))
            }
        }
    }
}
