// Endurance windows on tiny model files: they add up, and they count the guards and stalls.

import TestSupport
import XCTest
import Foundation
import DuralavaTrainer
import DuralavaMeasure
import DuralavaRuntime

/// The tiny architecture of the runtime's tests: 8×8 frames, latent 8.
func reportCardTinyConfig() -> ModelConfig {
    var c = ModelConfig()
    c.latentDim = 8; c.frameHeight = 8; c.frameWidth = 8; c.baseHeight = 2; c.baseWidth = 2
    c.channels = [6, 4]; c.kernel = 4; c.rnnHidden = [16]; c.rnnResidual = true
    return c
}

/// Writes a tiny random model (with extra metadata) into a fresh temporary directory.
func reportCardTinyModel(seed: UInt64 = 3, metadata: [String: String] = [:],
                         rnn: ((inout SafetensorsWriter, ModelConfig) -> Void)? = nil) throws -> String {
    let dir = NSTemporaryDirectory() + "duralava-reportcard-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var config = reportCardTinyConfig()
    if rnn != nil { config.rnnResidual = false }
    var writer = SafetensorsWriter()
    let random = RandomModel.writer(config: config, seed: seed)
    if let rnn {
        // Generator from a random model of the same shape; the RNN from `rnn`.
        let file = try SafetensorsFile(bytes: random.serialized(), path: "random")
        for name in file.tensors.keys.sorted() where name.hasPrefix("generator.") {
            writer.add(name, shape: file.tensors[name]!.shape, floats: try file.floats(name))
        }
        rnn(&writer, config)
        writer.metadata = random.metadata
    } else {
        writer = random
    }
    for (k, v) in metadata { writer.metadata[k] = v }
    let path = dir + "/tiny.safetensors"
    try writer.write(to: path)
    return path
}

final class ReportCardEnduranceTests: XCTestCase {
    func testWindowsAddUpAndCountEveryStep() throws {
        let model = try LampModel(path: try reportCardTinyModel())
        var s = EnduranceSettings()
        s.steps = 3000; s.windows = 3; s.renderedFrames = 20; s.rawEvery = 1
        var analysed: [Int] = []
        let r = Endurance.run(LampRun(model: model, seed: 4), settings: s, analyse: { w, frames in
            analysed.append(w)
            XCTAssertEqual(frames.count, 20)
            XCTAssertEqual(frames.segments.count, 1)
        })
        XCTAssertEqual(analysed, [0, 1, 2])
        XCTAssertEqual(r.windows.map(\.firstStep), [1, 1001, 2001])
        XCTAssertEqual(r.windows.map(\.lastStep), [1000, 2000, 3000])
        XCTAssertEqual(r.guards.steps, 3000)
        XCTAssertEqual(r.windows.reduce(0) { $0 + $1.guards.steps }, 3000)
        let g = r.guards
        XCTAssertEqual(g.renormalizations + g.nonFiniteReseeds + g.saturatedReseeds, 3000, "every step renormalizes or reseeds")
        for w in r.windows {
            XCTAssertEqual(w.raw.probedSteps, 1000)
            XCTAssertEqual(w.raw.values, 8000)
            XCTAssertTrue(w.raw.std.isFinite && w.raw.std > 0)
            XCTAssertLessThanOrEqual(w.raw.stepStdMinimum, w.raw.stepStdMaximum)
            XCTAssertEqual(w.renderedFrames, 20)
        }
        XCTAssertEqual(r.lastWindowFrames?.count, 20)
    }

    func testACollapsingRNNIsReportedAsStalledAndItsGuardIsCounted() throws {
        // Output independent of z: the loop sits on one latent until the guard injects noise.
        let path = try reportCardTinyModel(rnn: { w, c in
            w.add("rnn.dense0.weight", shape: [16, c.latentDim], floats: [Float](repeating: 0, count: 16 * c.latentDim))
            w.add("rnn.dense0.bias", shape: [16], floats: [Float](repeating: 0, count: 16))
            w.add("rnn.dense1.weight", shape: [c.latentDim, 16], floats: [Float](repeating: 0, count: 16 * c.latentDim))
            w.add("rnn.dense1.bias", shape: [c.latentDim], floats: (0..<c.latentDim).map { Float($0 % 3) })
        })
        let model = try LampModel(path: path)
        var s = EnduranceSettings()
        s.steps = 1000; s.windows = 2; s.renderedFrames = 0; s.rawEvery = 1
        let r = Endurance.run(LampRun(model: model, seed: 1), settings: s)
        XCTAssertGreaterThan(r.windows.reduce(0) { $0 + $1.stalls }, 5)
        XCTAssertGreaterThan(r.guards.stallInjections, 5)
        XCTAssertEqual(r.guards.interventions, r.guards.stallInjections + r.guards.clampedSteps)
        XCTAssertEqual(r.windows.reduce(0) { $0 + $1.cycles }, 0, "a fixed point is a stall, not a cycle")
        XCTAssertEqual(r.windows[0].raw.stepStdMinimum, r.windows[0].raw.stepStdMaximum, accuracy: 1e-6,
                       "the raw output is the same vector every step")
    }

    func testCycleDetectorTellsCyclesFromStallsAndSlowDrift() {
        let dim = 8
        func feed(_ d: CycleDetector, _ z: [Float]) { z.withUnsafeBufferPointer { d.observe($0.baseAddress!) } }
        let cycle = CycleDetector(dim: dim)
        let points: [[Float]] = (0..<3).map { p in (0..<dim).map { Float(sin(Double(p * dim + $0))) } }
        for t in 0..<300 { feed(cycle, points[t % 3]) }
        XCTAssertEqual(cycle.cycles, 1)
        XCTAssertEqual(cycle.cyclePeriods, [3: 1])
        XCTAssertEqual(cycle.stalls, 0)

        let drift = CycleDetector(dim: dim)
        for t in 0..<500 { feed(drift, (0..<dim).map { Float(sin(Double($0))) + 0.003 * Float(t) * Float($0 % 2 == 0 ? 1 : -1) }) }
        XCTAssertEqual(drift.cycles, 0, "a slow lamp is close to its past but never closer than a step")
        XCTAssertEqual(drift.stalls, 0)

        let still = CycleDetector(dim: dim)
        for _ in 0..<200 { feed(still, points[0]) }
        XCTAssertEqual(still.stalls, 1)
        XCTAssertEqual(still.cycles, 0)
        XCTAssertEqual(still.stalledSteps, 200 - 1 - 25 + 1)
    }
}
