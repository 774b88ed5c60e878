// A rectangular plot area in an SVG document: maps data values to coordinates and draws the
// frame, grid, tick values, title, axis labels, legend, series (with a gap at every non-finite
// value), reference lines and histogram bars.

import DuralavaRuntime

public struct LinePlot {
    public var left: Double, top: Double, width: Double, height: Double
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>

    public init(left: Double, top: Double, width: Double, height: Double, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.left = left; self.top = top; self.width = width; self.height = height
        // A degenerate or non-finite range is widened so every value still maps somewhere sensible.
        func usable(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
            guard r.lowerBound.isFinite, r.upperBound.isFinite else { return 0...1 }
            return r.upperBound > r.lowerBound ? r : (r.lowerBound - 0.5)...(r.lowerBound + 0.5)
        }
        self.x = usable(x)
        self.y = usable(y)
    }

    public var bottom: Double { top + height }
    public var right: Double { left + width }

    /// The horizontal coordinate of `v`; values outside the range stay just beyond the frame.
    public func px(_ v: Double) -> Double {
        let t = (v - x.lowerBound) / (x.upperBound - x.lowerBound)
        return left + min(max(t, -0.02), 1.02) * width
    }

    /// The vertical coordinate of `v` (larger values higher up).
    public func py(_ v: Double) -> Double {
        let t = (v - y.lowerBound) / (y.upperBound - y.lowerBound)
        return bottom - min(max(t, -0.02), 1.02) * height
    }

    /// Frame, light grid at the ticks, tick values, the title above and the axis labels.
    public func drawAxes(on svg: inout SVGDocument, title: String, xLabel: String, yLabel: String,
                         xTickFormat: (Double) -> String = { NumberFormat.compact($0, 3) },
                         yTickFormat: (Double) -> String = { NumberFormat.compact($0, 3) }) {
        for t in NumberFormat.niceTicks(x.lowerBound, x.upperBound, count: 6) {
            let p = px(t)
            svg.line(p, top, p, bottom, .lightGrey)
            svg.text(xTickFormat(t), x: p, y: bottom + 15, anchor: .middle, size: 11)
        }
        for t in NumberFormat.niceTicks(y.lowerBound, y.upperBound, count: 5) {
            let p = py(t)
            svg.line(left, p, right, p, .lightGrey)
            svg.text(yTickFormat(t), x: left - 6, y: p + 4, anchor: .end, size: 11)
        }
        svg.rect(x: left, y: top, width: width, height: height, fill: nil, stroke: .black)
        svg.text(title, x: left, y: top - 9, size: 13, bold: true)
        if !xLabel.isEmpty { svg.text(xLabel, x: left + width / 2, y: bottom + 33, anchor: .middle) }
        if !yLabel.isEmpty { svg.text(yLabel, x: left - 52, y: top + height / 2, anchor: .middle, rotate: -90) }
    }

    /// The series (xs[i], ys[i]) as lines through its points: one polyline per run of finite
    /// points (a non-finite value leaves a gap), and with `dots` a dot per point whose tooltip
    /// tells its values.
    public func series(on svg: inout SVGDocument, _ xs: [Double], _ ys: [Double], _ colour: SVGColour, label: String,
                       width: Double = 2, dots: Bool = true, format: (Double) -> String = { NumberFormat.compact($0, 4) }) {
        var run: [(x: Double, y: Double)] = []
        func flush() {
            if run.count > 1 { svg.polyline(run, colour, width: width, label: label) }
            run = []
        }
        for (xv, yv) in zip(xs, ys) {
            guard xv.isFinite, yv.isFinite else { flush(); continue }
            run.append((px(xv), py(yv)))
        }
        flush()
        guard dots else { return }
        for (xv, yv) in zip(xs, ys) where xv.isFinite && yv.isFinite {
            svg.dot(x: px(xv), y: py(yv), colour, title: "\(label): \(format(xv)), \(format(yv))")
        }
    }

    /// A horizontal line across the plot at `value` (a target or a limit).
    public func horizontal(on svg: inout SVGDocument, at value: Double, _ colour: SVGColour, dashed: Bool = true, width: Double = 1.5) {
        guard value.isFinite else { return }
        svg.line(left, py(value), right, py(value), colour, width: width, dashed: dashed)
    }

    /// A vertical line across the plot at `value` (a median, a floor).
    public func vertical(on svg: inout SVGDocument, at value: Double, _ colour: SVGColour, width: Double = 2) {
        guard value.isFinite else { return }
        svg.line(px(value), top, px(value), bottom, colour, width: width)
    }

    /// A hollow square around the point (x, y): a value that misses its target.
    public func flag(on svg: inout SVGDocument, x xv: Double, y yv: Double, _ colour: SVGColour = .fail) {
        guard xv.isFinite, yv.isFinite else { return }
        svg.rect(x: px(xv) - 5, y: py(yv) - 5, width: 10, height: 10, fill: nil, stroke: colour, strokeWidth: 1.5)
    }

    /// Histogram bars: bin i spans edges[i]...edges[i + 1] with height heights[i].
    public func bars(on svg: inout SVGDocument, edges: [Double], heights: [Double], _ colour: SVGColour) {
        for (i, h) in heights.enumerated() where i + 1 < edges.count && h.isFinite {
            let x0 = px(edges[i]), x1 = px(edges[i + 1]), yTop = py(h)
            svg.rect(x: x0 + 0.5, y: yTop, width: max(0.5, x1 - x0 - 1), height: max(0, py(y.lowerBound) - yTop), fill: colour)
        }
    }

    /// A histogram's outline as one step line from the baseline over every bin and back down.
    public func steps(on svg: inout SVGDocument, edges: [Double], heights: [Double], _ colour: SVGColour, label: String) {
        guard edges.count == heights.count + 1, !heights.isEmpty else { return }
        let base = py(y.lowerBound)
        var points: [(x: Double, y: Double)] = [(px(edges[0]), base)]
        for (i, h) in heights.enumerated() {
            let level = h.isFinite ? py(h) : base
            points.append((px(edges[i]), level))
            points.append((px(edges[i + 1]), level))
        }
        points.append((px(edges[heights.count]), base))
        svg.polyline(points, colour, width: 2, label: label)
    }

    /// A legend at the top right: a swatch (none for nil) and a label per item.
    public func legend(on svg: inout SVGDocument, _ items: [(String, SVGColour?)]) {
        // Labels are measured roughly (0.6 em per character at 11 px); the box only needs to fit.
        let w = Double(items.map(\.0.count).max() ?? 0) * 6.6 + 30
        let x0 = right - w - 8, y0 = top + 8
        svg.rect(x: x0, y: y0, width: w, height: 16 * Double(items.count) + 8, fill: .white, stroke: .grey)
        for (i, item) in items.enumerated() {
            let y = y0 + 6 + 16 * Double(i)
            if let c = item.1 { svg.rect(x: x0 + 6, y: y + 1, width: 10, height: 10, fill: c) }
            svg.text(item.0, x: x0 + 22, y: y + 10, size: 11)
        }
    }

    /// A note in the middle of the plot (e.g. when there is nothing to draw).
    public func note(on svg: inout SVGDocument, _ text: String, _ colour: SVGColour = .fail) {
        svg.text(text, x: left + width / 2, y: top + height / 2, anchor: .middle, size: 13, bold: true, colour: colour)
    }
}
