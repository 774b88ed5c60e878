import DuralavaMeasure
import DuralavaRuntime
import LampOutput

/// Writes a drift report as drift.json, drift.md, distance.svg and brightness.svg (plots) and strip.png (frames) in a directory.
extension DriftReport {
    /// Largest |mean| of a brightness band, in levels, that still counts as no bias.
    public static let brightnessBiasTarget = 0.5
    /// Two-sample accuracies that count as "no classifier can tell them apart" (the float lamp
    /// against itself scores about 0.62 on the shipped model).
    public static let pairedTarget = 0.75, unpairedTarget = 0.70

    /// The targets of an int8 lamp, judged on this report: (name, measured, target, passed).
    /// docs/int8.md says where each comes from.
    public var targets: [(String, String, String, Bool)] {
        var t: [(String, String, String, Bool)] = []
        let psnrTarget = 43.0
        t.append(("frame PSNR int8 vs float, median over \(frameSNR.count) latents", "\(NumberFormat.fixed(frameSNR.median, 1)) dB",
                  "≥ \(Int(psnrTarget)) dB", frameSNR.median >= psnrTarget))
        // Every band counts that holds 100 pixels or more (below that a mean of ±0.5 is noise).
        if let worst = brightnessBands.filter({ $0.pixels >= 100 }).max(by: { abs($0.mean) < abs($1.mean) }) {
            t.append(("every brightness band's bias, int8 − float (worst)", "\(signedLevels(worst.mean)) levels (\(["red", "green", "blue"][worst.channel]) \(worst.levels.lowerBound)–\(worst.levels.upperBound))",
                      "±\(NumberFormat.fixed(Self.brightnessBiasTarget, 1))", abs(worst.mean) <= Self.brightnessBiasTarget))
        }
        if let c = twoSample {
            t.append(("two-sample, paired: int8 vs float frames from the same seeds", NumberFormat.fixed(c.paired.accuracy, 3),
                      "≤ \(NumberFormat.fixed(Self.pairedTarget, 2)) (floor \(NumberFormat.fixed(c.floor.accuracy, 3)))", c.paired.accuracy <= Self.pairedTarget))
            t.append(("two-sample, unpaired: int8 vs float frames from other seeds", NumberFormat.fixed(c.unpaired.accuracy, 3),
                      "≤ \(NumberFormat.fixed(Self.unpairedTarget, 2))", c.unpaired.accuracy <= Self.unpairedTarget))
        }
        if let f = floatLamp, let q = int8Lamp, let ratio = motionRatio {
            let g = q.endurance.guards
            t.append(("int8 lamp: guards beyond renormalization over \(NumberFormat.count(g.steps)) steps", "\(g.interventions)", "0", g.interventions == 0))
            t.append(("int8 lamp: stalls and short cycles", "\(q.stalls) stalls, \(q.cycles) cycles", "0", q.stalls == 0 && q.cycles == 0))
            t.append(("int8 lamp: longest near-frozen run (change < \(NumberFormat.significant(frozenFloor, 2)))",
                      "\(q.longestFrozenRun) steps (float \(f.longestFrozenRun))", "< 50 steps", q.longestFrozenRun < 50))
            t.append(("int8 lamp: no divergence (non-finite raw steps; largest raw value)",
                      "\(q.endurance.windows.reduce(0) { $0 + $1.raw.nonFiniteSteps }); \(NumberFormat.significant(q.endurance.windows.map { $0.raw.maximumAbsolute }.max() ?? 0, 3))",
                      "0 non-finite", q.endurance.windows.allSatisfy { $0.raw.nonFiniteSteps == 0 }))
            t.append(("motion: int8 median frame change / float's", "×\(NumberFormat.fixed(ratio, 2))", "×0.9–1.1", ratio >= 0.9 && ratio <= 1.1))
        }
        return t
    }

    public func write(to directory: String) throws {
        try makeDirectories(directory)
        try writeTextFile(directory + "/drift.json", json())
        try writeTextFile(directory + "/drift.md", markdown())
        try writeTextFile(directory + "/distance.svg", distancePlot())
        try writeTextFile(directory + "/brightness.svg", brightnessPlot())
        if let s = stripFrames() { try writePNG(path: directory + "/strip.png", width: s.width, height: s.height, rgb: s.pixels) }
    }

    public var partingMedian: Double { Distribution(partingSteps.map(Double.init)).median }

    /// "step N", or "never within N steps" when the median pair did not part.
    public var partingMedianText: String {
        partingMedian > Double(settings.rolloutSteps) ? "never within \(settings.rolloutSteps) steps" : "step \(NumberFormat.fixed(partingMedian, 0))"
    }

    public func markdown() -> String {
        var m = "# Drift report: int8 vs float\n\n"
        m += "float: `\(floatPath)`  \nint8: `\(int8Path)` (\(scheme) weight scales)\n\n"
        m += "| target | measured | target | |\n| --- | --- | --- | --- |\n"
        for (name, v, target, ok) in targets { m += "| \(name) | \(v) | \(target) | \(ok ? "pass" : "**fail**") |\n" }
        m += "\n## (a) Same latents: \(frameSNR.count) latents from the float loop\n\n"
        m += "Frame PSNR (dB, 8-bit pixels): median \(NumberFormat.fixed(frameSNR.median, 2)), 5th percentile \(NumberFormat.fixed(frameSNR.p5, 2)), "
        m += "minimum \(NumberFormat.fixed(frameSNR.minimum, 2)); largest pixel error \(Int(frameMaximumAbsolute)) levels of 255.\n\n"
        m += "| layer output | SQNR (dB) | max abs error |\n| --- | --- | --- |\n"
        for r in layers + rnnOutputLayers {
            m += "| \(r.name) | \(NumberFormat.fixed(r.sqnr, 1)) | \(NumberFormat.significant(r.maximumAbsoluteError, 3)) |\n"
        }
        m += "\nEach row compares the int8 network's output (dequantized) with the float network's at that layer, both run from the "
        m += "same latent, so errors accumulate down the network as they do in use. RNN rows use the same latent and noise.\n\n"
        m += "### int8 − float by brightness\n\nMean (and spread) of the int8 frame's pixel minus the float frame's, in 8-bit levels, "
        m += "over the pixels whose float value lies in each band; a bias that changes with brightness shifts the picture's tones "
        m += "even where PSNR is high. Largest bias: \(worstBrightnessBias.map { bandText($0) } ?? "none").\n\n"
        m += "| float levels | red | green | blue | pixels |\n| --- | --- | --- | --- | --- |\n"
        let perChannel = brightnessBands.count / 3
        for i in 0..<perChannel {
            let row = (0..<3).map { brightnessBands[$0 * perChannel + i] }
            m += "| \(row[0].levels.lowerBound)–\(row[0].levels.upperBound) | "
                + row.map { $0.pixels > 0 ? "\(signedLevels($0.mean)) ± \(NumberFormat.fixed($0.spread, 2))" : "–" }.joined(separator: " | ")
                + " | \(row.map(\.pixels).reduce(0, +)) |\n"
        }
        m += "\n![int8 minus float by brightness](brightness.svg)\n\n"
        m += "## (b) One RNN step from the same latent and noise\n\n"
        m += "RMS difference of the renormalized next latents: median \(NumberFormat.significant(oneStep.median, 3)), 95th percentile "
        m += "\(NumberFormat.significant(oneStep.p95, 3)), maximum \(NumberFormat.significant(oneStep.maximum, 3)) (a latent has std 1).\n\n"
        m += "## (c) Paired rollouts: same start, same noise\n\n"
        m += "\(settings.rollouts) pairs × \(settings.rolloutSteps) steps. The lamps part when their RMS latent distance first exceeds "
        m += "\(NumberFormat.fixed(settings.partingDistance, 2)) (independent latents: 1.41). Median pair: \(partingMedianText); "
        m += "each pair: \(partingSteps.map { $0 > settings.rolloutSteps ? "never" : String($0) }.joined(separator: ", ")). "
        let parted = partingSteps.indices.filter { partingSteps[$0] <= settings.rolloutSteps }
        let rejoined = parted.filter { finalDistances[$0] < settings.partingDistance }.count
        m += "Of the \(parted.count) pairs that parted, \(rejoined) were closer than \(NumberFormat.fixed(settings.partingDistance, 2)) again at the last step "
        m += "(the shared noise pulls the lamps back together). RMS distance at the last step: median \(NumberFormat.significant(Distribution(finalDistances).median, 3)).\n\n"
        m += "![latent distance](distance.svg)\n\n"
        m += "Frames of the first pair (top float, bottom int8) at steps \(strip.map { String($0.step) }.joined(separator: ", ")):\n\n![strip](strip.png)\n\n"
        if let f = floatLamp, let q = int8Lamp {
            m += "## (d) Each lamp on its own: \(NumberFormat.count(f.endurance.guards.steps)) steps\n\n"
            m += "| figure | float | int8 |\n| --- | --- | --- |\n"
            /// One row: the figure of the float lamp, then of the int8 lamp.
            func row(_ name: String, _ figure: (LampFigures) -> String) { m += "| \(name) | \(figure(f)) | \(figure(q)) |\n" }
            func significant(_ x: Double) -> String { NumberFormat.significant(x, 3) }
            row("median frame change per step (0–1)") { significant($0.change.median) }
            row("frame change 5th–95th percentile") { "\(significant($0.change.p5))–\(significant($0.change.p95))" }
            row("near-frozen steps (< \(NumberFormat.significant(frozenFloor, 2)))") { NumberFormat.fixed($0.nearFrozenFraction * 100, 2) + "%" }
            row("longest near-frozen run") { "\($0.longestFrozenRun)" }
            row("stalls / short cycles") { "\($0.stalls) / \($0.cycles)" }
            row("raw RNN output std per window (min–max)") { "\(NumberFormat.fixed($0.rawStd.minimum, 3))–\(NumberFormat.fixed($0.rawStd.maximum, 3))" }
            row("guards: clamped steps, reseeds, stall/cycle injections") {
                let g = $0.endurance.guards
                return "\(g.clampedSteps), \(g.nonFiniteReseeds + g.saturatedReseeds), \(g.stallInjections)/\(g.cycleInjections)"
            }
            row("loop steps per second (with rendered windows)") { NumberFormat.fixed($0.endurance.stepsPerSecond, 0) }
            m += "\nFrame change is measured on the \(f.endurance.settings.renderedFrames) frames rendered at the end of each of the "
            m += "\(f.endurance.settings.windows) windows.\n\n"
        }
        m += "## (e) Realism: can a classifier tell int8 frames from float frames?\n\n"
        if let c = twoSample {
            let t = c.settings
            m += "The report card's classifier (docs/report-card.md), trained afresh on \(t.frames) frames of each lamp rendered in \(t.segments) runs "
            m += "(8-bit, after \(t.burnIn) burn-in steps) and scored on held-out chunks; 0.5 = indistinguishable. "
            m += "The same test is `duralava-train two-sample --model-a \(int8Path) --model-b \(floatPath)`.\n\n"
            m += "| test | accuracy | train accuracy |\n| --- | --- | --- |\n"
            for (name, r) in [("paired: the same seeds for both lamps (only the networks differ)", c.paired),
                              ("unpaired: the float lamp from other seeds", c.unpaired),
                              ("floor: the float lamp against itself from other seeds", c.floor)] {
                m += "| \(name) | \(NumberFormat.fixed(r.accuracy, 3)) | \(NumberFormat.fixed(r.trainAccuracy, 3)) |\n"
            }
            m += "\nAgainst real footage, the int8 lamp's own report card: `duralava-train eval --model \(int8Path)`.\n\n"
        } else {
            m += "Skipped (`--two-sample-frames 0`): `duralava-train two-sample --model-a \(int8Path) --model-b \(floatPath)` runs it alone.\n\n"
        }
        m += "Time: " + seconds.map { "\($0.0) \(NumberFormat.duration($0.1))" }.joined(separator: ", ") + ".\n"
        return m
    }

    public func json() -> String {
        typealias J = ReportCardJSON
        func lamp(_ l: LampFigures?) -> J {
            guard let l else { return .null }
            return .object([("steps", .integer(l.endurance.guards.steps)), ("frame_change", l.change.json),
                            ("near_frozen_fraction", .num(l.nearFrozenFraction)), ("longest_frozen_run", .integer(l.longestFrozenRun)),
                            ("stalls", .integer(l.stalls)), ("cycles", .integer(l.cycles)), ("raw_std", l.rawStd.json),
                            ("guards", l.endurance.guards.json)])
        }
        let every = Swift.max(1, distanceMedian.count / 200)
        let value = J.object([
            ("format", .string("duralava-drift-report")), ("version", .integer(1)),
            ("float", .string(floatPath)), ("int8", .string(int8Path)), ("scheme", .string(scheme)),
            ("frame_psnr_db", frameSNR.json), ("frame_max_abs_levels", .num(frameMaximumAbsolute)),
            ("layers", .array((layers + rnnOutputLayers).map {
                .object([("name", .string($0.name)), ("sqnr_db", .num($0.sqnr)), ("max_abs_error", .num($0.maximumAbsoluteError))])
            })),
            ("one_step_rms", oneStep.json),
            ("brightness_bands", .array(brightnessBands.map {
                .object([("channel", .string(["red", "green", "blue"][$0.channel])), ("from", .integer($0.levels.lowerBound)),
                         ("to", .integer($0.levels.upperBound)), ("pixels", .integer($0.pixels)), ("mean", .num($0.mean)),
                         ("spread", .num($0.spread))])
            })),
            ("rollouts", .object([
                ("pairs", .integer(settings.rollouts)), ("steps", .integer(settings.rolloutSteps)),
                ("parting_distance", .num(settings.partingDistance)), ("parting_steps", .array(partingSteps.map { .integer($0) })),
                ("parting_median", .num(partingMedian)),
                ("distance_every", .integer(every)),
                ("distance_median", .array(stride(from: 0, to: distanceMedian.count, by: every).map { .num(distanceMedian[$0]) })),
            ])),
            ("float_lamp", lamp(floatLamp)), ("int8_lamp", lamp(int8Lamp)), ("motion_ratio", motionRatio.map { .num($0) } ?? .null),
            ("two_sample", twoSample.map { c in
                .object([("frames", .integer(c.settings.frames)), ("paired", .num(c.paired.accuracy)),
                         ("unpaired", .num(c.unpaired.accuracy)), ("floor", .num(c.floor.accuracy))])
            } ?? .null),
            ("targets", .array(targets.map {
                .object([("name", .string($0.0)), ("measured", .string($0.1)), ("target", .string($0.2)), ("pass", .bool($0.3))])
            })),
        ])
        return value.serialized() + "\n"
    }

    /// The band with the largest |mean| among bands holding at least 0.1 % of the pixels.
    public var worstBrightnessBias: BrightnessBand? {
        let total = brightnessBands.map(\.pixels).reduce(0, +)
        return brightnessBands.filter { $0.pixels * 1000 >= total }.max { abs($0.mean) < abs($1.mean) }
    }

    func signedLevels(_ x: Double) -> String { (x >= 0 ? "+" : "") + NumberFormat.fixed(x, 2) }

    func bandText(_ b: BrightnessBand) -> String {
        "\(signedLevels(b.mean)) levels in \(["red", "green", "blue"][b.channel]) \(b.levels.lowerBound)–\(b.levels.upperBound)"
    }

    /// Mean int8 − float error per brightness band, one line a channel.
    public func brightnessPlot() -> String {
        var svg = SVGDocument(width: 720, height: 400)
        let used = brightnessBands.filter { $0.pixels > 0 }
        let top = Swift.max(1, (used.map { abs($0.mean) }.max() ?? 0) * 1.2)
        let plot = LinePlot(left: 80, top: 30, width: 600, height: 310, x: 0...255, y: -top...top)
        plot.drawAxes(on: &svg, title: "Same latents: int8 minus float pixel, mean per brightness band", xLabel: "float pixel (8-bit level)",
                      yLabel: "int8 - float (levels)")
        plot.horizontal(on: &svg, at: 0, .grey)
        plot.horizontal(on: &svg, at: 0.5, .fail); plot.horizontal(on: &svg, at: -0.5, .fail)
        let colours = [SVGColour(200, 40, 40), SVGColour(40, 150, 40), SVGColour(40, 70, 200)], names = ["red", "green", "blue"]
        for c in 0..<3 {
            let bands = used.filter { $0.channel == c }
            plot.series(on: &svg, bands.map { Double($0.levels.lowerBound + $0.levels.upperBound) / 2 }, bands.map(\.mean), colours[c],
                        label: names[c])
        }
        plot.legend(on: &svg, [("red", colours[0]), ("green", colours[1]), ("blue", colours[2]), ("±0.5 levels", .fail)])
        return svg.rendered(title: "int8 minus float by brightness")
    }

    /// Median and 90th-percentile RMS latent distance of the paired rollouts over time.
    public func distancePlot() -> String {
        var svg = SVGDocument(width: 720, height: 400)
        let steps = Double(Swift.max(distanceMedian.count, 1))
        let top = Swift.max(1.6, (distanceP90.filter(\.isFinite).max() ?? 0) * 1.05)
        let plot = LinePlot(left: 80, top: 30, width: 600, height: 310, x: 0...steps, y: 0...top)
        plot.drawAxes(on: &svg, title: "Paired rollouts, same start and noise: RMS latent distance float vs int8",
                      xLabel: "step", yLabel: "RMS distance")
        let xs = (0..<distanceMedian.count).map { Double($0 + 1) }
        plot.horizontal(on: &svg, at: settings.partingDistance, .fail)
        plot.horizontal(on: &svg, at: 2.0.squareRoot(), .grey)
        let every = Swift.max(1, xs.count / 300)
        let pick = { (v: [Double]) in stride(from: 0, to: v.count, by: every).map { v[$0] } }
        plot.series(on: &svg, pick(xs), pick(distanceP90), .real, label: "90th percentile", width: 1, dots: false)
        plot.series(on: &svg, pick(xs), pick(distanceMedian), .generated, label: "median", dots: false)
        plot.legend(on: &svg, [("median", .generated), ("90th percentile", .real),
                               ("parted (\(NumberFormat.fixed(settings.partingDistance, 2)))", .fail), ("independent (1.41)", .grey)])
        return svg.rendered(title: "Paired rollouts: RMS latent distance float vs int8")
    }

    /// Two rows of frames: float on top, int8 below, at the strip steps (which drift.md names).
    public func stripFrames() -> FrameGrid? {
        guard let first = strip.first, !first.float.isEmpty else { return nil }
        let total = first.float.count / 3
        let w = frameWidth, h = total / Swift.max(frameWidth, 1)
        return FrameGrid(rows: [strip.map(\.float), strip.map(\.int8)], frameWidth: w, frameHeight: h,
                         scale: FrameGrid.scale(frameWidth: w, frameHeight: h))
    }
}
