// An SVG file read back for the plot tests: parsed as XML (a malformed file is an error), its
// elements with their attributes and text, in document order.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

public struct SVGElement {
    public var name: String
    public var attributes: [String: String]
    /// The element's own text (a <text> label, a <title> tooltip).
    public var text: String

    /// The points of a <polyline> as (x, y).
    public var points: [(x: Double, y: Double)] {
        (attributes["points"] ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    public func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

public struct SVGElements {
    public var all: [SVGElement]

    /// Parses `svg`; throws when it is not well-formed XML or its root is not <svg>.
    public init(_ svg: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        guard parser.parse() else {
            throw NSError(domain: "SVGElements", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)"])
        }
        guard collector.elements.first?.name == "svg" else {
            throw NSError(domain: "SVGElements", code: 2, userInfo: [NSLocalizedDescriptionKey: "the root element is not <svg>"])
        }
        all = collector.elements
    }

    public init(path: String) throws { try self.init(String(contentsOfFile: path, encoding: .utf8)) }

    public func named(_ name: String) -> [SVGElement] { all.filter { $0.name == name } }

    /// The text of every <text> element.
    public var texts: [String] { named("text").map(\.text) }
}

/// The parser's delegate: one test's parse on one thread, never shared.
private final class Collector: NSObject, XMLParserDelegate {
    var elements: [SVGElement] = []
    var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(SVGElement(name: name, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}
