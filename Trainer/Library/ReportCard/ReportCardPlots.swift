import DuralavaMeasure
import DuralavaRuntime
// The report card's plots, drawn into RGB canvases: frame-change histograms (generated vs
// real), raw latent moments per endurance window, realism and motion per window, and a strip
// of generated frames next to real ones.

extension ReportCard {
    /// Histogram of per-step frame change, generated (orange outline) over real (blue bars),
    /// with both medians and the near-frozen floor.
    public func frameChangePlot() -> EvalPlotCanvas {
        var c = EvalPlotCanvas(width: 720, height: 430)
        let gen = generatedChanges, real = realChanges
        let top = max(EvalDistribution.quantile(gen, 0.99), EvalDistribution.quantile(real, 0.99))
        let xMax = top > 0 ? top * 1.05 : 1e-3
        let bins = 40
        func histogram(_ v: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for x in v { h[min(bins - 1, max(0, Int(x / xMax * Double(bins))))] += 1 }
            return h.map { v.isEmpty ? 0 : $0 / Double(v.count) }
        }
        let hg = histogram(gen), hr = histogram(real)
        let yMax = max(hg.max() ?? 0, hr.max() ?? 0, 1e-3) * 1.1
        let axes = EvalPlotAxes(left: 80, top: 34, width: 610, height: 330, x: 0...xMax, y: 0...yMax)
        axes.draw(on: &c, title: "PER-STEP FRAME CHANGE: GENERATED VS REAL (last bin holds everything beyond)",
                  xLabel: "mean absolute pixel change per step (0-1)", yLabel: "fraction of steps")
        let binWidth = xMax / Double(bins)
        for i in 0..<bins {
            let x0 = axes.px(Double(i) * binWidth), x1 = axes.px(Double(i + 1) * binWidth)
            let y = axes.py(hr[i])
            c.fillRect(x: x0 + 1, y: y, width: max(1, x1 - x0 - 1), height: axes.py(0) - y + 1, EvalColour(150, 185, 235))
        }
        var previous = axes.py(0)
        for i in 0..<bins {
            let x0 = axes.px(Double(i) * binWidth), x1 = axes.px(Double(i + 1) * binWidth)
            let y = axes.py(hg[i])
            c.line(x0, previous, x0, y, .generated, thickness: 2)
            c.line(x0, y, x1, y, .generated, thickness: 2)
            previous = y
        }
        c.line(axes.px(xMax), previous, axes.px(xMax), axes.py(0), .generated, thickness: 2)
        let mg = generated.motion.frameChange.median, mr = referenceFigures.motion.frameChange.median
        c.line(axes.px(mr), axes.top, axes.px(mr), axes.top + axes.height - 1, .real, thickness: 2)
        c.line(axes.px(mg), axes.top, axes.px(mg), axes.top + axes.height - 1, .generated, thickness: 2)
        let floor = referenceFigures.frozenFloor
        c.line(axes.px(floor), axes.top, axes.px(floor), axes.top + axes.height - 1, .grey)
        axes.legend(on: &c, [("generated, median \(EvalFormat.significant(mg))", .generated),
                             ("real, median \(EvalFormat.significant(mr))", .real),
                             ("near-frozen floor \(EvalFormat.significant(floor))", .grey),
                             ("ratio of medians x\(EvalFormat.fixed(generated.medianChangeRatio, 2))", .white)])
        return c
    }

    /// Raw RNN output mean (top) and standard deviation (bottom) per window, with the target bands.
    public func latentMomentsPlot() -> EvalPlotCanvas {
        var c = EvalPlotCanvas(width: 720, height: 560)
        let ws = endurance.windows
        let xs = ws.map { Double($0.lastStep) / 1e6 }
        let xRange = 0...max(xs.last ?? 1, 1e-6)
        let means = ws.map(\.raw.mean), stds = ws.map(\.raw.std)
        let ml = ReportCardTarget.latentMeanLimit, sl = ReportCardTarget.latentStdLimit
        let meanSpan = max(2 * ml, (means.map(abs).filter(\.isFinite).max() ?? 0) * 1.15)
        let top = EvalPlotAxes(left: 80, top: 34, width: 610, height: 200, x: xRange, y: -meanSpan...meanSpan)
        top.draw(on: &c, title: "RAW RNN OUTPUT PER WINDOW: MEAN (target +-\(EvalFormat.fixed(ml, 2)))",
                 xLabel: "", yLabel: "mean")
        c.dashedHorizontal(y: top.py(ml), from: top.left, to: top.left + top.width - 1, .target)
        c.dashedHorizontal(y: top.py(-ml), from: top.left, to: top.left + top.width - 1, .target)
        top.polyline(on: &c, xs, means, .generated)
        for (x, m) in zip(xs, means) where !(abs(m) <= ml) {
            c.strokeRect(x: top.px(x) - 4, y: top.py(m) - 4, width: 9, height: 9, .fail)
        }
        let stdValues = stds.filter(\.isFinite)
        let lo = min(1 - 2 * sl, (stdValues.min() ?? 1) - 0.02), hi = max(1 + 2 * sl, (stdValues.max() ?? 1) + 0.02)
        let bottom = EvalPlotAxes(left: 80, top: 290, width: 610, height: 200, x: xRange, y: lo...hi)
        bottom.draw(on: &c, title: "RAW RNN OUTPUT PER WINDOW: STANDARD DEVIATION (target 1 +-\(EvalFormat.fixed(sl, 2)))",
                    xLabel: "steps (millions) at the end of each window", yLabel: "std")
        c.dashedHorizontal(y: bottom.py(1 + sl), from: bottom.left, to: bottom.left + bottom.width - 1, .target)
        c.dashedHorizontal(y: bottom.py(1 - sl), from: bottom.left, to: bottom.left + bottom.width - 1, .target)
        bottom.polyline(on: &c, xs, stds, .real)
        for (x, s) in zip(xs, stds) where !(abs(s - 1) <= sl) {
            c.strokeRect(x: bottom.px(x) - 4, y: bottom.py(s) - 4, width: 9, height: 9, .fail)
        }
        return c
    }

    /// Realism (the worse of the two classifier families, top) and the median frame-change and
    /// blob-speed ratios (bottom) per rendered window.
    public func windowsPlot() -> EvalPlotCanvas {
        var c = EvalPlotCanvas(width: 720, height: 560)
        let pairs = endurance.windows.compactMap { w -> (Double, EvalComparison)? in
            guard w.index < windows.count, let f = windows[w.index] else { return nil }
            return (Double(w.lastStep) / 1e6, f)
        }
        let xs = pairs.map(\.0)
        let xRange = 0...max(xs.last ?? 1, 1e-6)
        let top = EvalPlotAxes(left: 80, top: 34, width: 610, height: 200, x: xRange, y: 0.3...1.0)
        top.draw(on: &c, title: "REALISM (WORSE OF CNN, LINEAR) PER WINDOW (limit 0.70 green, higher floor blue)",
                 xLabel: "", yLabel: "accuracy", yTickFormat: { EvalFormat.fixed($0, 1) })
        c.dashedHorizontal(y: top.py(ReportCardTarget.maximumAccuracy), from: top.left, to: top.left + top.width - 1, .target)
        c.dashedHorizontal(y: top.py(max(realFloor.accuracy, realFloorLinear.accuracy)), from: top.left, to: top.left + top.width - 1, .real)
        top.polyline(on: &c, xs, pairs.map(\.1.realism), .generated)
        let ratios = pairs.map { min($0.1.medianChangeRatio, 10) }
        let speeds = pairs.map { min($0.1.blobSpeedRatio, 10) }
        let r = ReportCardTarget.maximumChangeRatio
        let yHi = max(2.0, (ratios + speeds).max().map { $0 * 1.1 } ?? 1)
        let bottom = EvalPlotAxes(left: 80, top: 290, width: 610, height: 200, x: xRange, y: 0...yHi)
        bottom.draw(on: &c, title: "FRAME CHANGE (orange), BLOB SPEED (red), GENERATED / REAL (band x\(EvalFormat.fixed(1 / r, 2))-x\(EvalFormat.fixed(r, 2)))",
                    xLabel: "steps (millions) at the end of each window", yLabel: "ratio of medians")
        c.dashedHorizontal(y: bottom.py(r), from: bottom.left, to: bottom.left + bottom.width - 1, .target)
        c.dashedHorizontal(y: bottom.py(1 / r), from: bottom.left, to: bottom.left + bottom.width - 1, .target)
        bottom.polyline(on: &c, xs, ratios, .generated)
        bottom.polyline(on: &c, xs, speeds, .fail)
        if pairs.isEmpty {
            c.text("NO FRAMES WERE RENDERED IN THE ENDURANCE WINDOWS", x: 120, y: 120, .fail)
        }
        return c
    }

    /// Rows of frames: generated at the start, generated after the endurance run, real.
    public func framesStrip() -> EvalPlotCanvas {
        let w = config.frameWidth, h = config.frameHeight
        let scale = max(1, 128 / max(w, h))
        let columns = strip.map(\.frames.count).max() ?? 0
        let cellW = w * scale + 6, cellH = h * scale + 20
        var c = EvalPlotCanvas(width: max(8 + columns * cellW, 300), height: 8 + strip.count * cellH, background: EvalColour(30, 30, 30))
        for (r, row) in strip.enumerated() {
            let y = 6 + r * cellH
            c.text(row.label, x: 8, y: y, .white)
            for (i, frame) in row.frames.enumerated() {
                c.paste(frame, width: w, height: h, x: 8 + i * cellW, y: y + 12, scale: scale)
            }
        }
        return c
    }
}
