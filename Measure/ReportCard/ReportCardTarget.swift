import DuralavaRuntime
// The targets of a lamp's report card (docs/report-card.md#targets), each with the measured value, the limit and
// pass/fail.

public struct ReportCardTarget: Equatable {
    public var name: String
    public var measured: String
    public var limit: String
    public var passed: Bool

    public static let maximumAccuracy = 0.70
    public static let maximumChangeRatio = 1.5
    public static let latentMeanLimit = 0.05
    public static let latentStdLimit = 0.05

    public static func evaluate(_ card: ReportCard) -> [ReportCardTarget] {
        var t: [ReportCardTarget] = []
        let g = card.generated
        let windows = card.windows.compactMap { $0 }
        let e = card.endurance

        t += realismTargets(first: g, windows: windows)
        if let p = card.priorSamples { t.append(sphereTarget(p)) }
        if let m = card.mixing {
            t.append(ReportCardTarget(name: "mixing: two lamp runs from different seeds vs each other, each family within \(NumberFormat.fixed(Mixing.tolerance, 2)) of two stretches of footage",
                                      measured: "CNN " + NumberFormat.fixed(m.lamp.cnn.accuracy, 3) + " (footage " + NumberFormat.fixed(m.real.cnn.accuracy, 3)
                                        + "), linear " + NumberFormat.fixed(m.lamp.linear.accuracy, 3) + " (footage " + NumberFormat.fixed(m.real.linear.accuracy, 3) + ")",
                                      limit: "<= footage + \(NumberFormat.fixed(Mixing.tolerance, 2))", passed: m.passes))
        }
        t += motionTargets(first: g, windows: windows)
        let runs = [g.motion.longestFrozenRun] + windows.map(\.motion.longestFrozenRun)
        let f = card.referenceFigures
        t.append(ReportCardTarget(name: "never frozen: longest run of steps changing < \(NumberFormat.significant(f.frozenFloor)) (10% of the data's median)",
                                  measured: "\(runs.max() ?? 0) steps",
                                  limit: "< \(f.frozenRunLimit) steps (10 lamp-s)",
                                  passed: (runs.max() ?? 0) < f.frozenRunLimit))
        let guards = e.guards, main = card.generatedGuards
        let stalls = e.windows.reduce(0) { $0 + $1.stalls }
        let cycles = e.windows.reduce(0) { $0 + $1.cycles }
        t.append(ReportCardTarget(name: "endurance: no stall (detected, and stall-guard injections)",
                                  measured: "\(stalls) detected, \(guards.stallInjections + main.stallInjections) injections",
                                  limit: "0", passed: stalls == 0 && guards.stallInjections + main.stallInjections == 0))
        t.append(ReportCardTarget(name: "endurance: no short cycle (detected, and cycle-guard injections)",
                                  measured: "\(cycles) detected, \(guards.cycleInjections + main.cycleInjections) injections",
                                  limit: "0", passed: cycles == 0 && guards.cycleInjections + main.cycleInjections == 0))
        let reseeds = guards.nonFiniteReseeds + guards.saturatedReseeds + main.nonFiniteReseeds + main.saturatedReseeds
        let nonFinite = e.windows.reduce(0) { $0 + $1.raw.nonFiniteSteps }
        let largest = e.windows.map(\.raw.maximumAbsolute).max() ?? 0
        t.append(ReportCardTarget(name: "endurance: no divergence (non-finite or saturated RNN output)",
                                  measured: "\(reseeds) reseeds, \(nonFinite) non-finite probes, max |raw| \(NumberFormat.significant(largest))",
                                  limit: "0 reseeds, 0 non-finite",
                                  passed: reseeds == 0 && nonFinite == 0))
        if let worstMean = e.windows.max(by: { abs($0.raw.mean) < abs($1.raw.mean) }) {
            t.append(ReportCardTarget(name: "endurance: raw latent mean in every window (worst)",
                                      measured: NumberFormat.fixed(worstMean.raw.mean, 4),
                                      limit: "within +-\(NumberFormat.fixed(latentMeanLimit, 2))",
                                      passed: e.windows.allSatisfy { abs($0.raw.mean) <= latentMeanLimit }))
        }
        if let worstStd = e.windows.max(by: { abs($0.raw.std - 1) < abs($1.raw.std - 1) }) {
            t.append(ReportCardTarget(name: "endurance: raw latent std in every window (worst)",
                                      measured: NumberFormat.fixed(worstStd.raw.std, 4),
                                      limit: "1 +- \(NumberFormat.fixed(latentStdLimit, 2))",
                                      passed: e.windows.allSatisfy { abs($0.raw.std - 1) <= latentStdLimit }))
        }
        let interventions = guards.interventions + main.interventions
        t.append(ReportCardTarget(name: "guards: none beyond plain renormalization intervened",
                                  measured: "\(interventions) interventions",
                                  limit: "0", passed: interventions == 0))
        return t
    }
    /// Realism is the worse of the two classifier families (the CNN and logistic regression
    /// on frame features), first steps and every endurance window.
    public static func realismTargets(first g: Comparison, windows: [Comparison]) -> [ReportCardTarget] {
        func text(_ c: Comparison) -> String {
            NumberFormat.fixed(c.realism, 3) + " (CNN " + NumberFormat.fixed(c.classifier.accuracy, 3)
                + ", linear " + NumberFormat.fixed(c.linear.accuracy, 3) + ")"
        }
        let limit = "<= \(NumberFormat.fixed(maximumAccuracy, 2)) for both"
        var t = [ReportCardTarget(name: "realism: classifier accuracy, worse of two families, first \(g.frames) steps",
                                  measured: text(g), limit: limit, passed: g.realism <= maximumAccuracy)]
        if let worst = windows.max(by: { $0.realism < $1.realism }) {
            t.append(ReportCardTarget(name: "realism: classifier accuracy, worse of two families, every endurance window (worst)",
                                      measured: text(worst), limit: limit, passed: worst.realism <= maximumAccuracy))
        }
        return t
    }

    /// The sphere: frames decoded from random renormalized N(0, I) latents, both classifier
    /// families against spaced real frames, colour-histogram distance within 2× real vs real,
    /// and (where the training frames are known) the diversity check.
    public static func sphereTarget(_ p: PriorSamples) -> ReportCardTarget {
        ReportCardTarget(name: "the sphere: random renormalized N(0, I) latents decoded vs spaced real frames, worse family; colour; diversity",
                         measured: NumberFormat.fixed(p.accuracy, 3) + " (CNN " + NumberFormat.fixed(p.cnn.accuracy, 3)
                            + ", linear " + NumberFormat.fixed(p.linear.accuracy, 3) + "; colour " + NumberFormat.fixed(p.colourDistance, 4)
                            + " vs real " + NumberFormat.fixed(p.colourFloor, 4) + "; diversity "
                            + (p.diversity.map { $0.passes ? "passes" : "fails" } ?? "not measured") + ")",
                         limit: "<= \(NumberFormat.fixed(maximumAccuracy, 2)) for both; colour <= 2x real vs real",
                         passed: p.passes)
    }

    /// Motion: median frame change, median blob speed (block matching) and the share of
    /// textured blocks that move, each as a ratio to the data's within ×1/1.5 … ×1.5, first
    /// steps and every endurance window (the window furthest from ×1 on a log scale is shown).
    public static func motionTargets(first g: Comparison, windows: [Comparison]) -> [ReportCardTarget] {
        func ratioOK(_ r: Double) -> Bool { r.isFinite && r <= maximumChangeRatio && r >= 1 / maximumChangeRatio }
        func ratioText(_ r: Double) -> String { r.isFinite ? "x" + NumberFormat.fixed(r, 2) : "inf" }
        let limit = "x\(NumberFormat.fixed(1 / maximumChangeRatio, 2))...x\(NumberFormat.fixed(maximumChangeRatio, 2))"
        let measures: [(String, KeyPath<Comparison, Double>)] = [
            ("median frame change", \.medianChangeRatio),
            ("median blob speed (block matching)", \.blobSpeedRatio),
            ("share of moving blocks", \.movingFractionRatio),
        ]
        var t: [ReportCardTarget] = []
        for (what, key) in measures {
            t.append(ReportCardTarget(name: "motion: \(what) vs the data's, first \(g.frames) steps",
                                      measured: ratioText(g[keyPath: key]), limit: limit, passed: ratioOK(g[keyPath: key])))
            guard !windows.isEmpty else { continue }
            let worst = windows.max { a, b in
                abs(log(max(a[keyPath: key], 1e-12))) < abs(log(max(b[keyPath: key], 1e-12)))
            }!
            t.append(ReportCardTarget(name: "motion: \(what) vs the data's, every endurance window (worst)",
                                      measured: ratioText(worst[keyPath: key]), limit: limit,
                                      passed: windows.allSatisfy { ratioOK($0[keyPath: key]) }))
        }
        return t
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
