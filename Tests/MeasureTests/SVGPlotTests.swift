// The report plots' SVG writer: well-formed XML, real text for titles, labels and tick values,
// one polyline point per value at the right coordinates, gaps for non-finite values (never
// "nan" in the file), escaped text; and the frame grid behind the PNG strips.

import TestSupport
import XCTest
import DuralavaMeasure
import DuralavaRuntime

final class SVGPlotTests: XCTestCase {
    let plot = LinePlot(left: 80, top: 30, width: 600, height: 300, x: 0...10, y: 0...2)

    func render(_ draw: (inout SVGDocument) -> Void) throws -> (String, SVGElements) {
        var svg = SVGDocument(width: 720, height: 400)
        draw(&svg)
        let text = svg.rendered(title: "test plot")
        return (text, try SVGElements(text))
    }

    func testAxesAreTextWithTickValuesAndLabels() throws {
        let (_, e) = try render { plot.drawAxes(on: &$0, title: "Distance over time", xLabel: "step", yLabel: "RMS distance") }
        let texts = e.texts
        for label in ["Distance over time", "step", "RMS distance"] { XCTAssertTrue(texts.contains(label), label) }
        for tick in ["0", "2", "4", "6", "8", "10", "0.5", "1", "1.5"] { XCTAssertTrue(texts.contains(tick), "tick \(tick) in \(texts)") }
        XCTAssertEqual(e.named("title").first?.text, "test plot")
        // The y label reads upwards.
        XCTAssertEqual(e.named("text").first { $0.text == "RMS distance" }?.attributes["transform"], "rotate(-90 28 180)")
    }

    func testOnePolylinePointPerValueAtItsCoordinates() throws {
        let xs: [Double] = [0, 1, 2, 5, 7, 9, 10], ys: [Double] = [0, 0.5, 2, 1, 1.5, 0.25, 1]
        let (_, e) = try render { plot.series(on: &$0, xs, ys, .generated, label: "median") }
        let lines = e.named("polyline")
        XCTAssertEqual(lines.count, 1)
        let points = lines[0].points
        XCTAssertEqual(points.count, xs.count)
        XCTAssertEqual(lines[0].attributes["data-series"], "median")
        // The maximum lies on the top edge of the plot area, the minimum on the bottom edge, the
        // first and last x on the left and right edges.
        XCTAssertEqual(points[2].y, plot.top, accuracy: 0.01)
        XCTAssertEqual(points[0].y, plot.bottom, accuracy: 0.01)
        XCTAssertEqual(points[0].x, plot.left, accuracy: 0.01)
        XCTAssertEqual(points[6].x, plot.right, accuracy: 0.01)
        XCTAssertEqual(points[3].x, plot.left + plot.width / 2, accuracy: 0.01)
        XCTAssertEqual(points[3].y, plot.top + plot.height / 2, accuracy: 0.01)
        // A dot per value, whose tooltip tells the value.
        let dots = e.named("circle")
        XCTAssertEqual(dots.count, xs.count)
        XCTAssertEqual(e.named("title").map(\.text).filter { $0.hasPrefix("median: ") }.count, xs.count)
        XCTAssertTrue(e.named("title").contains { $0.text == "median: 5, 1" }, "\(e.named("title").map(\.text))")
    }

    func testNonFiniteValuesLeaveGapsAndNeverAppear() throws {
        let xs: [Double] = [1, 2, 3, 4, 5, 6, 7], ys: [Double] = [1, 2, .nan, 0.5, 1.5, .infinity, 1]
        let (text, e) = try render {
            plot.series(on: &$0, xs, ys, .real, label: "p90")
            plot.horizontal(on: &$0, at: .nan, .fail)
            plot.vertical(on: &$0, at: -.infinity, .grey)
            plot.flag(on: &$0, x: 3, y: .nan)
        }
        // Runs [1, 2] and [0.5, 1.5] are lines; the lone last value is a dot only.
        XCTAssertEqual(e.named("polyline").map { $0.points.count }, [2, 2])
        XCTAssertEqual(e.named("circle").count, 5)
        XCTAssertEqual(e.named("line").count, 0)
        XCTAssertEqual(e.named("rect").count, 1, "the background only")
        XCTAssertFalse(text.lowercased().contains("nan"), text)
        XCTAssertFalse(text.lowercased().contains("inf"), text)
        XCTAssertEqual(SVGDocument.number(.nan), "0")
        XCTAssertEqual(SVGDocument.number(-0.001), "0")
        XCTAssertEqual(SVGDocument.number(12.5), "12.5")
    }

    func testTextIsEscaped() throws {
        let title = "a < b & \"c\" > 'd' \u{1}"
        let (text, e) = try render { plot.drawAxes(on: &$0, title: title, xLabel: "x&y", yLabel: "<y>") }
        XCTAssertTrue(text.contains("a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;"), text)
        XCTAssertTrue(e.texts.contains("a < b & \"c\" > 'd'  "))
        XCTAssertTrue(e.texts.contains("x&y"))
        XCTAssertTrue(e.texts.contains("<y>"))
        var doc = SVGDocument(width: 10, height: 10)
        doc.text("t", x: 1, y: 1)
        let escapedTitle = try SVGElements(doc.rendered(title: "R&D <plots>"))
        XCTAssertEqual(escapedTitle.named("title").first?.text, "R&D <plots>")
    }

    func testLegendHistogramAndReferenceLines() throws {
        let (_, e) = try render {
            plot.legend(on: &$0, [("median", .generated), ("ratio ×1.05", nil)])
            plot.bars(on: &$0, edges: [0, 5, 10], heights: [1, 2], .realFill)
            plot.steps(on: &$0, edges: [0, 5, 10], heights: [1, 2], .generated, label: "generated")
            plot.horizontal(on: &$0, at: 1, .target)
        }
        XCTAssertTrue(e.texts.contains("median") && e.texts.contains("ratio ×1.05"))
        // The legend's box and one swatch, two bars.
        XCTAssertEqual(e.named("rect").count, 1 + 2 + 2)
        let bar = e.named("rect").filter { $0.attributes["fill"] == SVGColour.realFill.hex }.last!
        XCTAssertEqual(bar.number("y")!, plot.top, accuracy: 0.01, "the taller bar reaches the top")
        XCTAssertEqual(bar.number("y")! + bar.number("height")!, plot.bottom, accuracy: 0.01)
        XCTAssertEqual(e.named("polyline").first?.points.count, 6)
        let limit = e.named("line").first!
        XCTAssertEqual(limit.number("y1")!, plot.top + plot.height / 2, accuracy: 0.01)
        XCTAssertEqual(limit.attributes["stroke-dasharray"], "6 6")
    }

    func testMalformedXMLIsRefused() {
        XCTAssertThrowsError(try SVGElements("<svg><text>a < b</text></svg>"))
        XCTAssertThrowsError(try SVGElements("<html/>"))
    }

    func testFrameGridPlacesEveryFrame() {
        // Two rows: two 2x1 frames, then one; scale 2, gap 1.
        let red: [UInt8] = [255, 0, 0, 255, 0, 0], green: [UInt8] = [0, 255, 0, 0, 200, 0]
        let grid = FrameGrid(rows: [[red, green], [green]], frameWidth: 2, frameHeight: 1, scale: 2, gap: 1, background: 7)
        XCTAssertEqual(grid.width, 1 + 2 * (4 + 1))
        XCTAssertEqual(grid.height, 1 + 2 * (2 + 1))
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(grid.pixels[((y * grid.width + x) * 3)..<((y * grid.width + x) * 3 + 3)]) }
        XCTAssertEqual(pixel(0, 0), [7, 7, 7])
        XCTAssertEqual(pixel(1, 1), [255, 0, 0])
        XCTAssertEqual(pixel(4, 2), [255, 0, 0])
        XCTAssertEqual(pixel(6, 1), [0, 255, 0])
        XCTAssertEqual(pixel(9, 2), [0, 200, 0], "the second pixel of the green frame, enlarged")
        XCTAssertEqual(pixel(1, 4), [0, 255, 0])
        XCTAssertEqual(pixel(6, 4), [7, 7, 7], "a short row leaves its last cell dark")
        XCTAssertEqual(FrameGrid.scale(frameWidth: 64, frameHeight: 32), 2)
        XCTAssertEqual(FrameGrid.scale(frameWidth: 512, frameHeight: 512), 1)
    }
}
