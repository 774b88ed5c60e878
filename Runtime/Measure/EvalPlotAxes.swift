// A rectangular plot area on a canvas: maps data coordinates to pixels and draws the frame,
// grid, tick labels and axis titles.
import DuralavaRuntime

public struct EvalPlotAxes {
    public var left: Int, top: Int, width: Int, height: Int
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>

    public init(left: Int, top: Int, width: Int, height: Int, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.left = left; self.top = top; self.width = width; self.height = height
        // A degenerate range is widened so every value still maps somewhere sensible.
        self.x = x.upperBound > x.lowerBound ? x : (x.lowerBound - 0.5)...(x.lowerBound + 0.5)
        self.y = y.upperBound > y.lowerBound ? y : (y.lowerBound - 0.5)...(y.lowerBound + 0.5)
    }

    public func px(_ v: Double) -> Int {
        let t = (v - x.lowerBound) / (x.upperBound - x.lowerBound)
        return left + Int((min(max(t, -0.02), 1.02) * Double(width - 1)).rounded())
    }

    public func py(_ v: Double) -> Int {
        let t = (v - y.lowerBound) / (y.upperBound - y.lowerBound)
        return top + height - 1 - Int((min(max(t, -0.02), 1.02) * Double(height - 1)).rounded())
    }

    /// Frame, light grid at the ticks, tick labels, title above and axis labels.
    public func draw(on c: inout EvalPlotCanvas, title: String, xLabel: String, yLabel: String,
                     xTickFormat: (Double) -> String = { EvalFormat.compact($0, 3) },
                     yTickFormat: (Double) -> String = { EvalFormat.compact($0, 3) }) {
        for t in EvalFormat.niceTicks(x.lowerBound, x.upperBound, count: 6) {
            let p = px(t)
            c.line(p, top, p, top + height - 1, .lightGrey)
            let label = xTickFormat(t)
            c.text(label, x: p - EvalPlotCanvas.textWidth(label) / 2, y: top + height + 4, .black)
        }
        for t in EvalFormat.niceTicks(y.lowerBound, y.upperBound, count: 5) {
            let p = py(t)
            c.line(left, p, left + width - 1, p, .lightGrey)
            let label = yTickFormat(t)
            c.text(label, x: left - 5 - EvalPlotCanvas.textWidth(label), y: p - 3, .black)
        }
        c.strokeRect(x: left, y: top, width: width, height: height, .black)
        c.text(title, x: left, y: top - 12, .black)
        c.text(xLabel, x: left + width / 2 - EvalPlotCanvas.textWidth(xLabel) / 2, y: top + height + 16, .black)
        c.verticalText(yLabel, x: max(left - 58, 1), y: top + height / 2 + EvalPlotCanvas.textWidth(yLabel) / 2, .black)
    }

    /// Connected line through (xs[i], ys[i]), skipping non-finite points.
    public func polyline(on c: inout EvalPlotCanvas, _ xs: [Double], _ ys: [Double], _ colour: EvalColour, thickness: Int = 2) {
        var last: (Int, Int)? = nil
        for (xv, yv) in zip(xs, ys) {
            guard xv.isFinite, yv.isFinite else { last = nil; continue }
            let p = (px(xv), py(yv))
            if let l = last { c.line(l.0, l.1, p.0, p.1, colour, thickness: thickness) }
            c.fillRect(x: p.0 - 2, y: p.1 - 2, width: 5, height: 5, colour)
            last = p
        }
    }

    /// A small legend box at the top right: coloured squares and labels.
    public func legend(on c: inout EvalPlotCanvas, _ items: [(String, EvalColour)]) {
        let w = (items.map { EvalPlotCanvas.textWidth($0.0) }.max() ?? 0) + 22
        let x0 = left + width - w - 6, y0 = top + 6
        c.fillRect(x: x0, y: y0, width: w, height: 12 * items.count + 6, .white)
        c.strokeRect(x: x0, y: y0, width: w, height: 12 * items.count + 6, .grey)
        for (i, item) in items.enumerated() {
            c.fillRect(x: x0 + 5, y: y0 + 5 + 12 * i, width: 8, height: 8, item.1)
            c.text(item.0, x: x0 + 17, y: y0 + 6 + 12 * i, .black)
        }
    }
}
