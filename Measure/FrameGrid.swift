// Frames tiled into one RGB picture, for the strips of frames the reports show as PNG: rows of
// equally sized frames, each pixel enlarged to scale×scale, with a gap around every frame on a
// dark background. What the rows and columns are is said in the report's text beside it.

public struct FrameGrid {
    public let width: Int
    public let height: Int
    /// Interleaved RGB, rows top first.
    public private(set) var pixels: [UInt8]

    /// `rows[r][c]` is a frame of `frameWidth`×`frameHeight` interleaved RGB pixels; a shorter
    /// row leaves its last cells dark.
    public init(rows: [[[UInt8]]], frameWidth: Int, frameHeight: Int, scale: Int, gap: Int = 6, background: UInt8 = 30) {
        precondition(frameWidth > 0 && frameHeight > 0 && scale > 0 && gap >= 0)
        let cellW = frameWidth * scale + gap, cellH = frameHeight * scale + gap
        let columns = rows.map(\.count).max() ?? 0
        width = max(1, gap + columns * cellW)
        height = max(1, gap + rows.count * cellH)
        pixels = [UInt8](repeating: background, count: width * height * 3)
        for (r, row) in rows.enumerated() {
            for (c, frame) in row.enumerated() {
                precondition(frame.count == frameWidth * frameHeight * 3, "frame of the wrong size")
                let x0 = gap + c * cellW, y0 = gap + r * cellH
                for y in 0..<(frameHeight * scale) {
                    let source = (y / scale) * frameWidth
                    var out = ((y0 + y) * width + x0) * 3
                    for x in 0..<(frameWidth * scale) {
                        let i = (source + x / scale) * 3
                        pixels[out] = frame[i]; pixels[out + 1] = frame[i + 1]; pixels[out + 2] = frame[i + 2]
                        out += 3
                    }
                }
            }
        }
    }

    /// The largest whole scale at which a frame's longer side is at most `side` pixels (at least 1).
    public static func scale(frameWidth: Int, frameHeight: Int, side: Int = 128) -> Int {
        max(1, side / max(frameWidth, frameHeight, 1))
    }
}
