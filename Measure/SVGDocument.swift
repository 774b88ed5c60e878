// An SVG picture built as text, for the report plots: the document, colours, escaping, and the
// few elements the plots draw (lines, rectangles, polylines, circles, text). Text stays text, so
// a browser zooms it and a person can select and copy a number.

import DuralavaRuntime

/// An sRGB colour, written as #rrggbb.
public struct SVGColour: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([r, g, b].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    public static let white = SVGColour(255, 255, 255)
    public static let black = SVGColour(0, 0, 0)
    public static let grey = SVGColour(150, 150, 150)
    public static let lightGrey = SVGColour(225, 225, 225)
    /// The series colours: generated (orange) and real (blue); green for targets, red for failures.
    public static let generated = SVGColour(230, 110, 20)
    public static let real = SVGColour(40, 100, 200)
    public static let realFill = SVGColour(150, 185, 235)
    public static let target = SVGColour(60, 170, 80)
    public static let fail = SVGColour(210, 40, 40)
}

public struct SVGDocument {
    public enum Anchor: String, Sendable { case start, middle, end }

    public let width: Double
    public let height: Double
    /// The elements in drawing order, one per line.
    public private(set) var elements: [String] = []

    public init(width: Double, height: Double) {
        precondition(width > 0 && height > 0)
        self.width = width; self.height = height
    }

    private static let entities: [Character: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;"]

    /// `text` safe inside an element or a quoted attribute. XML 1.0 forbids most control
    /// characters even as references; a space stands in for them.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            if let entity = entities[ch] {
                out += entity
            } else if let a = ch.asciiValue, a < 0x20, a != 0x09, a != 0x0A, a != 0x0D {
                out += " "
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A coordinate: at most two decimals, no trailing zeros. Callers never pass a non-finite
    /// value (the plots skip those); should one arrive it is written as 0, never as "nan".
    public static func number(_ x: Double) -> String { x.isFinite ? NumberFormat.trimmed(x, 2) : "0" }

    /// An element from a name, attributes (values escaped here) and optional text content.
    public mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        var e = "<" + name
        for (key, value) in attributes { e += " \(key)=\"\(SVGDocument.escaped(value))\"" }
        if let text { e += ">" + SVGDocument.escaped(text) + "</\(name)>" } else { e += "/>" }
        elements.append(e)
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: SVGColour,
                              width: Double = 1, dashed: Bool = false) {
        var a: [(String, String)] = [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
                                     ("stroke", colour.hex), ("stroke-width", Self.number(width))]
        if dashed { a.append(("stroke-dasharray", "6 6")) }
        element("line", a)
    }

    /// A rectangle, filled and/or outlined (nil: none).
    public mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: SVGColour?, stroke: SVGColour? = nil,
                              strokeWidth: Double = 1) {
        var a: [(String, String)] = [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(w)), ("height", Self.number(h)),
                                     ("fill", fill?.hex ?? "none")]
        if let stroke { a += [("stroke", stroke.hex), ("stroke-width", Self.number(strokeWidth))] }
        element("rect", a)
    }

    /// An open line through `points` (plot coordinates); `label` names the series for a reader
    /// of the file.
    public mutating func polyline(_ points: [(x: Double, y: Double)], _ colour: SVGColour, width: Double = 2, label: String? = nil) {
        var a: [(String, String)] = [("points", points.map { Self.number($0.x) + "," + Self.number($0.y) }.joined(separator: " ")),
                                     ("fill", "none"), ("stroke", colour.hex), ("stroke-width", Self.number(width)),
                                     ("stroke-linejoin", "round")]
        if let label { a.append(("data-series", label)) }
        element("polyline", a)
    }

    /// A dot with a tooltip (`title`) that tells the value it marks.
    public mutating func dot(x: Double, y: Double, radius: Double = 2.5, _ colour: SVGColour, title: String) {
        elements.append("<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(colour.hex)\">"
                        + "<title>\(Self.escaped(title))</title></circle>")
    }

    /// Text at (x, y) (the baseline), anchored at its start, middle or end; `rotate` turns it
    /// about that point (-90: reading upwards).
    public mutating func text(_ s: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                              bold: Bool = false, colour: SVGColour = .black, rotate: Double = 0) {
        var a: [(String, String)] = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size))]
        if anchor != .start { a.append(("text-anchor", anchor.rawValue)) }
        if bold { a.append(("font-weight", "bold")) }
        if colour != .black { a.append(("fill", colour.hex)) }
        if rotate != 0 { a.append(("transform", "rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))")) }
        element("text", a, text: s)
    }

    /// The whole file: an XML declaration, the <svg> root with a white background and a title.
    public func rendered(title: String) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
        s += "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"sans-serif\">\n"
        s += "<title>\(Self.escaped(title))</title>\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for e in elements { s += e + "\n" }
        return s + "</svg>\n"
    }
}
