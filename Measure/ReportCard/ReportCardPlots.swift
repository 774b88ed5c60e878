import DuralavaRuntime
// The report card's plots as SVG files: frame-change histograms (generated vs real), raw latent
// moments per endurance window, realism and motion per window; and the strip of generated
// frames next to real ones, a picture of frames (PNG).

extension ReportCard {
    /// Histogram of per-step frame change, generated (orange outline) over real (blue bars),
    /// with both medians and the near-frozen floor.
    public func frameChangePlot() -> String {
        var svg = SVGDocument(width: 720, height: 430)
        let gen = generatedChanges, real = realChanges
        let top = max(Distribution.quantile(gen, 0.99), Distribution.quantile(real, 0.99))
        let xMax = top > 0 ? top * 1.05 : 1e-3
        let bins = 40
        func histogram(_ v: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for x in v where x.isFinite { h[min(bins - 1, max(0, Int(x / xMax * Double(bins))))] += 1 }
            return h.map { v.isEmpty ? 0 : $0 / Double(v.count) }
        }
        let hg = histogram(gen), hr = histogram(real)
        let yMax = max(hg.max() ?? 0, hr.max() ?? 0, 1e-3) * 1.1
        let plot = LinePlot(left: 80, top: 34, width: 610, height: 330, x: 0...xMax, y: 0...yMax)
        plot.drawAxes(on: &svg, title: "Per-step frame change: generated vs real (the last bin holds everything beyond)",
                      xLabel: "mean absolute pixel change per step (0–1)", yLabel: "fraction of steps")
        let edges = (0...bins).map { Double($0) * xMax / Double(bins) }
        plot.bars(on: &svg, edges: edges, heights: hr, .realFill)
        plot.steps(on: &svg, edges: edges, heights: hg, .generated, label: "generated")
        let mg = generated.motion.frameChange.median, mr = referenceFigures.motion.frameChange.median
        plot.vertical(on: &svg, at: mr, .real)
        plot.vertical(on: &svg, at: mg, .generated)
        let floor = referenceFigures.frozenFloor
        plot.vertical(on: &svg, at: floor, .grey, width: 1)
        plot.legend(on: &svg, [("generated, median \(NumberFormat.significant(mg))", .generated),
                               ("real, median \(NumberFormat.significant(mr))", .real),
                               ("near-frozen floor \(NumberFormat.significant(floor))", .grey),
                               ("ratio of medians ×\(NumberFormat.fixed(generated.medianChangeRatio, 2))", nil)])
        return svg.rendered(title: "Per-step frame change, generated vs real")
    }

    /// Raw RNN output mean (top) and standard deviation (bottom) per window, with the target bands.
    public func latentMomentsPlot() -> String {
        var svg = SVGDocument(width: 720, height: 560)
        let ws = endurance.windows
        let xs = ws.map { Double($0.lastStep) / 1e6 }
        let xRange = 0...max(xs.last ?? 1, 1e-6)
        let means = ws.map(\.raw.mean), stds = ws.map(\.raw.std)
        let ml = ReportCardTarget.latentMeanLimit, sl = ReportCardTarget.latentStdLimit
        let meanSpan = max(2 * ml, (means.map(abs).filter(\.isFinite).max() ?? 0) * 1.15)
        let top = LinePlot(left: 80, top: 34, width: 610, height: 200, x: xRange, y: -meanSpan...meanSpan)
        top.drawAxes(on: &svg, title: "Raw RNN output per window: mean (target ±\(NumberFormat.fixed(ml, 2)))",
                     xLabel: "", yLabel: "mean")
        top.horizontal(on: &svg, at: ml, .target)
        top.horizontal(on: &svg, at: -ml, .target)
        top.series(on: &svg, xs, means, .generated, label: "mean")
        for (x, m) in zip(xs, means) where !(abs(m) <= ml) { top.flag(on: &svg, x: x, y: m) }
        let stdValues = stds.filter(\.isFinite)
        let lo = min(1 - 2 * sl, (stdValues.min() ?? 1) - 0.02), hi = max(1 + 2 * sl, (stdValues.max() ?? 1) + 0.02)
        let bottom = LinePlot(left: 80, top: 290, width: 610, height: 200, x: xRange, y: lo...hi)
        bottom.drawAxes(on: &svg, title: "Raw RNN output per window: standard deviation (target 1 ±\(NumberFormat.fixed(sl, 2)))",
                        xLabel: "steps (millions) at the end of each window", yLabel: "std")
        bottom.horizontal(on: &svg, at: 1 + sl, .target)
        bottom.horizontal(on: &svg, at: 1 - sl, .target)
        bottom.series(on: &svg, xs, stds, .real, label: "std")
        for (x, s) in zip(xs, stds) where !(abs(s - 1) <= sl) { bottom.flag(on: &svg, x: x, y: s) }
        return svg.rendered(title: "Raw RNN output moments per endurance window")
    }

    /// Realism (the worse of the two classifier families, top) and the median frame-change and
    /// blob-speed ratios (bottom) per rendered window.
    public func windowsPlot() -> String {
        var svg = SVGDocument(width: 720, height: 560)
        let pairs = endurance.windows.compactMap { w -> (Double, Comparison)? in
            guard w.index < windows.count, let f = windows[w.index] else { return nil }
            return (Double(w.lastStep) / 1e6, f)
        }
        let xs = pairs.map(\.0)
        let xRange = 0...max(xs.last ?? 1, 1e-6)
        let top = LinePlot(left: 80, top: 34, width: 610, height: 200, x: xRange, y: 0.3...1.0)
        top.drawAxes(on: &svg, title: "Realism (worse of CNN, linear) per window (limit 0.70 green, higher floor blue)",
                     xLabel: "", yLabel: "accuracy", yTickFormat: { NumberFormat.fixed($0, 1) })
        top.horizontal(on: &svg, at: ReportCardTarget.maximumAccuracy, .target)
        top.horizontal(on: &svg, at: max(realFloor.accuracy, realFloorLinear.accuracy), .real)
        top.series(on: &svg, xs, pairs.map(\.1.realism), .generated, label: "realism")
        let ratios = pairs.map { min($0.1.medianChangeRatio, 10) }
        let speeds = pairs.map { min($0.1.blobSpeedRatio, 10) }
        let r = ReportCardTarget.maximumChangeRatio
        let yHi = max(2.0, (ratios + speeds).filter(\.isFinite).max().map { $0 * 1.1 } ?? 1)
        let bottom = LinePlot(left: 80, top: 290, width: 610, height: 200, x: xRange, y: 0...yHi)
        bottom.drawAxes(on: &svg, title: "Generated / real: frame change (orange), blob speed (red) (band ×\(NumberFormat.fixed(1 / r, 2))–×\(NumberFormat.fixed(r, 2)))",
                        xLabel: "steps (millions) at the end of each window", yLabel: "ratio of medians")
        bottom.horizontal(on: &svg, at: r, .target)
        bottom.horizontal(on: &svg, at: 1 / r, .target)
        bottom.series(on: &svg, xs, ratios, .generated, label: "frame change ratio")
        bottom.series(on: &svg, xs, speeds, .fail, label: "blob speed ratio")
        if pairs.isEmpty { top.note(on: &svg, "No frames were rendered in the endurance windows") }
        return svg.rendered(title: "Realism and motion per endurance window")
    }

    /// Rows of frames: generated at the start, generated after the endurance run, real (the
    /// rows' labels are in report.md).
    public func framesStrip() -> FrameGrid {
        let w = config.frameWidth, h = config.frameHeight
        return FrameGrid(rows: strip.map(\.frames), frameWidth: w, frameHeight: h,
                         scale: FrameGrid.scale(frameWidth: w, frameHeight: h))
    }
}
