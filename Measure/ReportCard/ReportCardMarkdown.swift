import DuralavaRuntime
// The report card as Markdown (report.md), and the exact definitions of its figures, shared
// with the JSON.

extension ReportCard {
    /// Plot files written beside the report (name, caption): SVG plots, and the frames as PNG.
    public static let plotFiles: [(String, String)] = [
        ("frame-change.svg", "Per-step frame change, generated vs real"),
        ("latent-moments.svg", "Raw RNN output moments per endurance window"),
        ("windows.svg", "Realism and motion per endurance window"),
        ("frames-strip.png", "Generated frames next to real frames"),
    ]

    /// How the classifier's frames are split into training and held-out frames.
    public var splitDescription: String {
        let c = options.classifier
        return "generated frames in contiguous chunks of \(c.chunk) steps, every \(NumberFormat.ordinal(c.testEvery)) chunk held out with \(c.gap) steps "
            + "trimmed where it borders training frames; real frames dealt to sets A and B in alternate \(c.chunk)-step chunks, "
            + "every \(NumberFormat.ordinal(c.testEvery)) chunk pair held out whole (B's chunk first, then A's, \(c.gap) steps trimmed at the pair's ends), "
            + "so held-out frames are never next to training frames of the other set"
    }

    /// What every figure means, exactly.
    public var definitions: [(String, String)] {
        let o = options
        let motion = BlockMotion.Settings.forFrame(width: config.frameWidth, height: config.frameHeight)
        let lag = referenceFigures.motion.blobLagSteps
        return [
            ("classifier_accuracy", "balanced accuracy (mean of the two per-set accuracies) on held-out frames of a CNN trained fresh to tell the two sets apart; 0.5 = indistinguishable, 1 = always told apart"),
            ("linear_classifier_accuracy", "the same balanced accuracy, same split, for the second classifier family: \(linearClassifierDescription)"),
            ("realism", "the worse (higher) of the two families' accuracies; target <= 0.70, each family read against its own real-vs-real floor"),
            ("real_vs_real", "the same test between two disjoint sets of real frames (alternate \(o.classifier.chunk)-step chunks of one reference sequence): the floor a perfect model would reach"),
            ("colour_distance", "total variation 1/2 sum|p - q| between the two sets' \(o.histogramBins)x\(o.histogramBins)x\(o.histogramBins) RGB histograms over all pixels (0 = same colours in the same proportions, 1 = no colour in common)"),
            ("frame_change", "mean absolute difference of all pixel values (0-1 scale; R, G and B) between the frames of consecutive model steps (\(NumberFormat.significant(referenceFigures.stepSeconds)) lamp-seconds apart)"),
            ("median_change_ratio", "median frame change of the generated frames divided by that of real set A"),
            ("near_frozen", "a step whose frame change is below \(NumberFormat.significant(referenceFigures.frozenFloor)) (10% of the real median); frozen = \(referenceFigures.frozenRunLimit) consecutive near-frozen steps (10 lamp-seconds)"),
            ("blob_speed", "block matching on luma (Rec. 601) between frames \(lag) steps (\(NumberFormat.significant(Double(lag) * referenceFigures.stepSeconds)) lamp-s) apart: \(motion.block)x\(motion.block) blocks with luma std >= \(NumberFormat.significant(Double(motion.textureStd))) whose mean absolute luma change at zero shift is >= \(NumberFormat.significant(Double(motion.changeFloor))) get the displacement within +-\(motion.radius) px minimising the mean absolute difference, refined by a parabola; speed = displacement / lag time, px per lamp-second; moving fraction = moving blocks / textured blocks"),
            ("persistence", "the mean over steps of the cosine between consecutive frame differences, (F_t - F_t-1).(F_t+1 - F_t) / (|F_t - F_t-1| |F_t+1 - F_t|), within runs of consecutive frames: near the footage's when blobs keep travelling, near 0 for jitter in place, below 0 for flicker back and forth; a figure, not a target"),
            ("raw_output", "the RNN's output before renormalization, exactly as the loop computed it (LatentLoop.rawOutput), measured every \(o.endurance.rawEvery) step(s); window moments pool every value of every probed step; targets: |mean| <= 0.05, |std - 1| <= 0.05"),
            ("latent_components", "for each component of the renormalized latent, its mean and standard deviation over the window's steps (largest |mean|, smallest and largest std)"),
            ("latent_change", "the runtime's LatentLoop.lastChange: RMS change of the latent in one step"),
            ("stall", "RMS latent change below \(NumberFormat.significant(Double(o.endurance.cycles.stallFloor))) for \(o.endurance.cycles.stallSteps) consecutive steps, counted once per stall (the runtime's guard injects noise after 50)"),
            ("cycle", "the latent returns to within RMS \(NumberFormat.significant(Double(o.endurance.cycles.cycleTolerance))) of where it was p steps earlier (2 <= p <= \(o.endurance.cycles.maxPeriod)), closer than a quarter of its last step, for max(\(o.endurance.cycles.cycleSteps), 2p) consecutive steps; smallest p only"),
            ("divergence", "a non-finite RNN output, or one beyond the saturation limit (|value| > 1e4), which the loop answers by reseeding"),
            ("guards", "the runtime's LatentLoop counters: renormalizations; steps with values clamped to +-4.5; non-finite and saturated reseeds; stall and cycle noise injections; interventions = all of them but renormalization"),
            ("windows", "the \(NumberFormat.count(o.endurance.steps)) steps are cut into \(o.endurance.windows) windows; every step runs the RNN, the last \(o.endurance.renderedFrames) steps of each window are also rendered and fed back to the stall guard as LampAnimator does, and their realism (classifier with \(o.windowClassifierSteps) updates against real set A) and motion are measured"),
        ]
    }

    /// A table cell: a '|' would end the cell.
    private func cell(_ s: String) -> String { s.replacingAll("|", with: "\\|") }

    public var markdown: String {
        let o = options
        var md = "# Report card: \(o.modelPath)\n\n"
        let passed = targets.filter(\.passed).count
        md += "**\(passed) of \(targets.count) targets met.**"
        md += trained ? "\n\n" : " The model file says it was never trained.\n\n"
        md += "- Model: \(config.frameWidth)x\(config.frameHeight) frames, latent \(config.latentDim), "
            + "RNN hidden \(config.rnnHidden.map(String.init).joined(separator: ",")), noise \(config.rnnNoiseDim), "
            + "residual \(config.rnnResidual), one step = \(NumberFormat.significant(Double(config.stepSeconds))) lamp-seconds\n"
        for key in modelMetadata.keys.sorted() where key.hasPrefix("provenance.") || key == "description" {
            md += "  - `\(key)`: \(modelMetadata[key]!)\n"
        }
        md += "- Reference data: " + reference.details.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n"
        for note in reference.notes { md += "  - note: \(note)\n" }
        md += "- Lamp seed \(o.seed); \(NumberFormat.count(o.frames)) generated frames after \(o.burnInSteps) burn-in steps; "
            + "endurance \(NumberFormat.count(o.endurance.steps)) steps\n\n"

        md += "## Targets\n\n| target | measured | limit | result |\n| --- | --- | --- | --- |\n"
        for t in targets {
            md += "| \(cell(t.name)) | \(cell(t.measured)) | \(cell(t.limit)) | \(t.passed ? "pass" : "**FAIL**") |\n"
        }

        md += "\n## Realism\n\nClassifier two-sample test. Classifier: \(classifierArchitecture). "
        md += "Split: \(splitDescription).\n\n"
        md += "| test | accuracy (balanced) | per set | train fit | train frames | test frames |\n| --- | --- | --- | --- | --- | --- |\n"
        func row(_ name: String, _ r: TwoSampleResult) -> String {
            "| \(name) | \(NumberFormat.fixed(r.accuracy, 3)) | \(NumberFormat.fixed(r.accuracyA, 3)) / \(NumberFormat.fixed(r.accuracyB, 3)) | "
                + "\(NumberFormat.fixed(r.trainAccuracy, 3)) | \(r.trainFrames.a) + \(r.trainFrames.b) | \(r.testFrames.a) + \(r.testFrames.b) |\n"
        }
        md += row("CNN: generated vs real", generated.classifier)
        md += row("CNN: real vs real (floor)", realFloor)
        md += row("linear: generated vs real", generated.linear)
        md += row("linear: real vs real (floor)", realFloorLinear)
        md += "\nSecond family (linear): \(linearClassifierDescription). Realism (the worse of the two): **\(NumberFormat.fixed(generated.realism, 3))**.\n"
        md += "\nColour histogram distance (total variation, \(o.histogramBins)x\(o.histogramBins)x\(o.histogramBins) RGB bins): "
            + "generated vs real **\(NumberFormat.fixed(generated.colourDistance, 4))**, real vs real \(NumberFormat.fixed(realColourFloor, 4)).\n"

        if let p = priorSamples {
            md += "\n### The sphere: prior samples\n\nThe latent loop keeps the lamp on the sphere of mean 0 and std 1, so every point of it "
                + "should decode to a lamp. \(p.framesPerSet) random N(0, I) latents, each renormalized, decoded by the generator, against "
                + "real frames \(p.spacingSteps) steps (\(NumberFormat.compact(p.spacingSeconds)) lamp-s) apart, each frame its own chunk "
                + "(nearly independent frames, as the samples are); the floors compare two such real sets. The bottom row of frames-strip.png shows samples.\n\n"
            md += "| test | accuracy (balanced) | per set | train fit | train frames | test frames |\n| --- | --- | --- | --- | --- | --- |\n"
            md += row("CNN: prior samples vs real", p.cnn)
            md += row("CNN: real vs real (floor)", p.cnnFloor)
            md += row("linear: prior samples vs real", p.linear)
            md += row("linear: real vs real (floor)", p.linearFloor)
            md += "\nColour histogram distance: prior samples vs real **\(NumberFormat.fixed(p.colourDistance, 4))**, real vs real "
                + "\(NumberFormat.fixed(p.colourFloor, 4)). " + (p.diversity?.summary ?? "Diversity not measured: the training frames are not known.") + "\n"
        }

        if let m = mixing {
            md += "\n### Mixing\n\nTwo runs of the lamp from seeds \(m.seeds.0) and \(m.seeds.1), \(m.frames) steps each after the burn-in, "
                + "tested against each other; beside them \(m.realDescription), tested the same way. A lamp that wanders through the "
                + "footage's states is no easier to tell from itself than footage is.\n\n"
            md += "| test | accuracy (balanced) | per set | train fit | train frames | test frames |\n| --- | --- | --- | --- | --- | --- |\n"
            md += row("CNN: lamp vs lamp", m.lamp.cnn)
            md += row("CNN: footage vs footage", m.real.cnn)
            md += row("linear: lamp vs lamp", m.lamp.linear)
            md += row("linear: footage vs footage", m.real.linear)
            md += "\nColour histogram distance: lamp vs lamp **\(NumberFormat.fixed(m.lamp.colour, 4))**, footage vs footage \(NumberFormat.fixed(m.real.colour, 4)).\n"
        }

        md += "\n## Motion\n\nPer-step frame change (mean absolute pixel difference, 0-1) and blob speed (block matching, px per lamp-second).\n\n"
        md += "| frames | median | quartiles | mean | p95 | near-frozen | longest frozen run | blob speed median | blob speed p95 | moving blocks | persistence |\n"
        md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        func motionRow(_ name: String, _ m: MotionFigures) -> String {
            let c = m.frameChange, s = m.blobSpeed
            return "| \(name) | \(NumberFormat.significant(c.median)) | \(NumberFormat.significant(c.q1))-\(NumberFormat.significant(c.q3)) | "
                + "\(NumberFormat.significant(c.mean)) | \(NumberFormat.significant(c.p95)) | \(NumberFormat.fixed(100 * m.nearFrozenFraction, 1))% | "
                + "\(m.longestFrozenRun) | \(NumberFormat.significant(s.median)) | \(NumberFormat.significant(s.p95)) | \(NumberFormat.fixed(100 * m.movingFraction, 1))% | "
                + "\(NumberFormat.fixed(m.persistence, 3)) |\n"
        }
        md += motionRow("generated", generated.motion)
        md += motionRow("real A", referenceFigures.motion)
        md += motionRow("real B", realFloorMotion)
        md += "\nGenerated / real A: median frame change **x\(NumberFormat.fixed(generated.medianChangeRatio, 3))**, "
            + "median blob speed **x\(NumberFormat.fixed(generated.blobSpeedRatio, 3))**, share of moving blocks **x\(NumberFormat.fixed(generated.movingFractionRatio, 3))**; "
            + "persistence (mean cosine of consecutive frame differences: travel near the footage's, jitter near 0) "
            + "**\(NumberFormat.fixed(generated.motion.persistence, 3))** against \(NumberFormat.fixed(referenceFigures.motion.persistence, 3)).\n"

        let e = endurance
        md += "\n## Endurance\n\n\(NumberFormat.count(e.guards.steps)) steps in \(NumberFormat.duration(e.seconds)) "
            + "(\(NumberFormat.count(Int(e.stepsPerSecond))) steps/s, raw output measured every \(o.endurance.rawEvery) step(s)), "
            + "plus \(NumberFormat.duration(e.analysisSeconds)) measuring the rendered windows.\n\n"
        md += "| guards | steps | renormalized | clamped steps | non-finite reseeds | saturated reseeds | stall injections | cycle injections |\n"
        md += "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        func guardRow(_ name: String, _ g: GuardCounts) -> String {
            "| \(name) | \(g.steps) | \(g.renormalizations) | \(g.clampedSteps) | \(g.nonFiniteReseeds) | \(g.saturatedReseeds) | \(g.stallInjections) | \(g.cycleInjections) |\n"
        }
        md += guardRow("generated frames", generatedGuards)
        md += guardRow("endurance", e.guards)
        md += "\n| window | steps | raw mean | raw std | raw skew | raw kurt | component max abs mean | component std | latent change | stalls | cycles | interventions | accuracy CNN | accuracy linear | colour | change ratio | frozen run | blob speed | blob speed ratio | moving blocks ratio |\n"
        md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for w in e.windows {
            var line = "| \(w.index + 1) | \(NumberFormat.count(w.firstStep))-\(NumberFormat.count(w.lastStep)) | \(NumberFormat.fixed(w.raw.mean, 4)) | "
                + "\(NumberFormat.fixed(w.raw.std, 4)) | \(NumberFormat.fixed(w.raw.skewness, 3)) | \(NumberFormat.fixed(w.raw.kurtosis, 3)) | "
                + "\(NumberFormat.fixed(w.componentMeanMaximumAbsolute, 3)) | \(NumberFormat.fixed(w.componentStdMinimum, 3))-\(NumberFormat.fixed(w.componentStdMaximum, 3)) | "
                + "\(NumberFormat.significant(w.latentChangeMean)) | \(w.stalls) | \(w.cycles) | \(w.guards.interventions) |"
            if w.index < windows.count, let f = windows[w.index] {
                line += " \(NumberFormat.fixed(f.classifier.accuracy, 3)) | \(NumberFormat.fixed(f.linear.accuracy, 3)) | \(NumberFormat.fixed(f.colourDistance, 4)) | x\(NumberFormat.fixed(f.medianChangeRatio, 2)) | "
                    + "\(f.motion.longestFrozenRun) | \(NumberFormat.significant(f.motion.blobSpeed.median)) | x\(NumberFormat.fixed(f.blobSpeedRatio, 2)) | x\(NumberFormat.fixed(f.movingFractionRatio, 2)) |"
            } else {
                line += " - | - | - | - | - | - | - | - |"
            }
            md += line + "\n"
        }

        md += "\n## Plots\n\n"
        for (file, caption) in ReportCard.plotFiles { md += "![\(caption)](\(file))\n\n" }
        md += "Rows of frames-strip.png, top to bottom: " + strip.map(\.label).joined(separator: "; ") + ".\n\n"
        if !clip.generated.isEmpty {
            md += "![\(clip.generated.count) steps of the lamp (left) beside \(clip.real.count) frames of the footage (right), at lamp speed](clip.png)\n\n"
            md += "clip.png (animated): \(clip.generated.count) consecutive steps of the lamp after its \(options.burnInSteps) burn-in steps (left) "
                + "beside as many consecutive real frames (right), one step every \(NumberFormat.significant(reference.stepSeconds)) s as the lamp runs.\n\n"
        }
        md += "## Definitions\n\n"
        for (key, text) in definitions { md += "- **\(key)**: \(text)\n" }
        md += "\n## Timings\n\n"
        for (name, seconds) in timings { md += "- \(name): \(NumberFormat.duration(seconds))\n" }
        return md
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation here).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
