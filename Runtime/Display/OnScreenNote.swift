/// A short note drawn into the lamp's frame for a moment after a setting changes ("SPEED 2X",
/// "PALETTE OCEAN"): 3×5-pixel capitals, white with a dark shadow, at the top left, scaled up
/// with the frame. No font files, no text library.
public struct OnScreenNote {
    public private(set) var text = ""
    private var until = 0.0

    public init() {}

    /// Shows `text` (letters, digits and ". % : - +") for `seconds` from `now`.
    public mutating func show(_ text: String, now: Double, seconds: Double = 2) {
        self.text = text.uppercased(); until = now + seconds
    }

    public func isVisible(now: Double) -> Bool { now < until && !text.isEmpty }

    /// Draws the note into an RGB frame of `width` × `height`.
    public func draw(into rgb: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        var x0 = 1
        for ch in text.unicodeScalars {
            guard let rows = Self.glyphs[Character(ch)] else { x0 += 4; continue }
            for (y, row) in rows.enumerated() {
                for (x, bit) in row.enumerated() where bit == "#" {
                    plot(rgb, width, height, x0 + x + 1, 1 + y + 1, 0)       // shadow
                    plot(rgb, width, height, x0 + x, 1 + y, 255)
                }
            }
            x0 += 4
        }
    }

    private func plot(_ rgb: UnsafeMutableBufferPointer<UInt8>, _ w: Int, _ h: Int, _ x: Int, _ y: Int, _ v: UInt8) {
        guard x >= 0, x < w, y >= 0, y < h else { return }
        let i = (y * w + x) * 3
        rgb[i] = v; rgb[i + 1] = v; rgb[i + 2] = v
    }

    /// 3×5 glyphs, one string of 3 per row.
    static let glyphs: [Character: [String]] = [
        "A": [".#.", "#.#", "###", "#.#", "#.#"], "B": ["##.", "#.#", "##.", "#.#", "##."],
        "C": [".##", "#..", "#..", "#..", ".##"], "D": ["##.", "#.#", "#.#", "#.#", "##."],
        "E": ["###", "#..", "##.", "#..", "###"], "F": ["###", "#..", "##.", "#..", "#.."],
        "G": [".##", "#..", "#.#", "#.#", ".##"], "H": ["#.#", "#.#", "###", "#.#", "#.#"],
        "I": ["###", ".#.", ".#.", ".#.", "###"], "J": ["..#", "..#", "..#", "#.#", ".#."],
        "K": ["#.#", "#.#", "##.", "#.#", "#.#"], "L": ["#..", "#..", "#..", "#..", "###"],
        "M": ["#.#", "###", "###", "#.#", "#.#"], "N": ["##.", "#.#", "#.#", "#.#", "#.#"],
        "O": [".#.", "#.#", "#.#", "#.#", ".#."], "P": ["##.", "#.#", "##.", "#..", "#.."],
        "Q": [".#.", "#.#", "#.#", "##.", ".##"], "R": ["##.", "#.#", "##.", "#.#", "#.#"],
        "S": [".##", "#..", ".#.", "..#", "##."], "T": ["###", ".#.", ".#.", ".#.", ".#."],
        "U": ["#.#", "#.#", "#.#", "#.#", "###"], "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
        "W": ["#.#", "#.#", "###", "###", "#.#"], "X": ["#.#", "#.#", ".#.", "#.#", "#.#"],
        "Y": ["#.#", "#.#", ".#.", ".#.", ".#."], "Z": ["###", "..#", ".#.", "#..", "###"],
        "0": ["###", "#.#", "#.#", "#.#", "###"], "1": [".#.", "##.", ".#.", ".#.", "###"],
        "2": ["##.", "..#", ".#.", "#..", "###"], "3": ["##.", "..#", ".#.", "..#", "##."],
        "4": ["#.#", "#.#", "###", "..#", "..#"], "5": ["###", "#..", "##.", "..#", "##."],
        "6": [".##", "#..", "###", "#.#", "###"], "7": ["###", "..#", ".#.", ".#.", ".#."],
        "8": ["###", "#.#", "###", "#.#", "###"], "9": ["###", "#.#", "###", "..#", "##."],
        ".": ["...", "...", "...", "...", ".#."], "%": ["#.#", "..#", ".#.", "#..", "#.#"],
        ":": ["...", ".#.", "...", ".#.", "..."], "-": ["...", "...", "###", "...", "..."],
        "+": ["...", ".#.", "###", ".#.", "..."],
    ]
}
