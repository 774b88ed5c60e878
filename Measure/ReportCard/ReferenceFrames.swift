// The real frames a model is judged against, one model step apart in lamp time: from the
// simulator (at 1/step_seconds frames per lamp-second, with a seed the model was not trained
// on) or from a directory of PNG frames (every k-th file, k source frames per model step).
// They are cut into chunks that go alternately to two disjoint sets A and B: A is compared
// with the generated frames, B with A (the floor a perfect model would reach). Interleaving
// keeps slow drifts of the footage from separating A from B.
//
// The classifier's train/test split of A and B is made here, aligned: chunk pairs are held out
// whole for testing, so no test frame of A sits next to a training frame of B. (Split
// separately, a held-out chunk of A would border a training chunk of B, which the classifier
// then mistakes it for — a real-vs-real accuracy below 0.5.) In a held-out pair B's chunk
// comes first and A's second, and `gap` frames are trimmed where they border training
// chunks, so each test chunk's nearest training frames are of its own set, `gap` steps
// away — the same arrangement as ChunkSplit gives the generated frames.

import DuralavaData
import DuralavaRuntime

public enum DataSource: Equatable, CustomStringConvertible {
    case simulator
    case directory(String)

    /// "sim" (or "simulator") selects the simulator; anything else is a frame directory.
    public init(argument: String) {
        self = argument == "sim" || argument == "simulator" ? .simulator : .directory(argument)
    }

    public var description: String {
        switch self {
        case .simulator: return "simulator"
        case .directory(let path): return path
        }
    }
}

public struct ReferenceFrames {
    public var a: FrameSet
    public var b: FrameSet
    /// Train/test splits of A and B for the classifier (see above).
    public var splitA: ChunkSplit
    public var splitB: ChunkSplit
    /// Lamp time between consecutive frames.
    public var stepSeconds: Double
    /// What the frames are, as key/value pairs for the report.
    public var details: [(String, String)]
    /// Things the reader should know (missing provenance, a seed that may overlap training...).
    public var notes: [String]
    /// The footage's first frames in their own order, before A and B are dealt (as many as
    /// `load` was asked to keep): a stretch of consecutive steps for the report's clip.
    public var opening = [[UInt8]]()

    /// Seed of the held-out simulator run unless the model's provenance forbids it.
    public static let heldOutSimulatorSeed: UInt64 = 7_777_777

    /// Frames for `model` from `source`: `perSet` frames in each of A and B, in chunks of
    /// `chunk` consecutive steps, every `testEvery`-th chunk pair held out.
    public static func load(_ source: DataSource, model: LampModel, perSet: Int, chunk: Int,
                            testEvery: Int = 5, gap: Int = 25, simulatorSeed: UInt64? = nil, keepOpening: Int = 0,
                            progress: (String) -> Void = { _ in }) throws -> ReferenceFrames {
        precondition(perSet >= 1 && chunk >= 1)
        let meta = model.metadata
        let stepSeconds = Double(model.config.stepSeconds)
        var notes: [String] = []
        var details: [(String, String)] = []
        let trainedOn = meta["provenance.data"]
        if trainedOn == nil {
            notes.append("the model file records no provenance (provenance.data is missing): the reference data's settings are defaults, not necessarily what the model learned from")
        }
        // Spacing: the model's step_seconds rules; provenance fps/frame_step should agree.
        if let fps = meta["provenance.frames_per_second"].flatMap(Double.init),
           let k = meta["provenance.frame_step"].flatMap(Double.init), fps > 0, k > 0 {
            let spacing = k / fps
            if abs(spacing - stepSeconds) > 0.01 * stepSeconds {
                notes.append("provenance says frame_step \(NumberFormat.significant(k)) at \(NumberFormat.significant(fps)) fps (\(NumberFormat.significant(spacing)) s a step) but step_seconds is \(NumberFormat.significant(stepSeconds)); frames are spaced by step_seconds")
            }
        }

        let w = model.config.frameWidth, h = model.config.frameHeight
        let total = 2 * perSet
        var all = [Float](repeating: 0, count: total * w * h * 3)
        let n = w * h * 3
        switch source {
        case .simulator:
            if let t = trainedOn, t != "simulator" {
                notes.append("the model learned from \(t), but is compared with the simulator")
            }
            let palette = try simulatorPalette(model)
            if meta["provenance.simulator_palette"] == nil, trainedOn == "simulator" || trainedOn == nil {
                notes.append("no provenance.simulator_palette: simulator palette \(palette.name) (the default)")
            }
            let training = trainingSeeds(meta)
            var seed = simulatorSeed ?? heldOutSimulatorSeed
            if let r = training, r.contains(seed) {
                if simulatorSeed != nil {
                    notes.append("simulator seed \(seed) is one the model was trained on (\(r.lowerBound)...\(r.upperBound)): the reference is not held out")
                } else {
                    seed = r.upperBound &+ 1
                }
            }
            if training == nil {
                notes.append("training seeds unknown (no provenance.simulator_seed): held-out seed \(seed) assumed unseen")
            }
            let fps = 1 / stepSeconds
            let sim = LavaLampSimulator(seed: seed, palette: palette, width: w, height: h, fps: fps)
            details = [("source", "simulator"), ("seed", String(seed)), ("palette", palette.name),
                       ("frames_per_second", NumberFormat.compact(fps)), ("warm_up_seconds", NumberFormat.compact(sim.warmUpSeconds)),
                       ("training_seeds", training.map { "\($0.lowerBound)...\($0.upperBound)" } ?? "unknown")]
            var lastReport = monotonicSeconds()
            all.withUnsafeMutableBufferPointer { buffer in
                for t in 0..<total {
                    sim.nextFrame(into: UnsafeMutableBufferPointer(rebasing: buffer[(t * n)..<((t + 1) * n)]))
                    if monotonicSeconds() - lastReport > 5 {
                        lastReport = monotonicSeconds()
                        progress("reference: simulated \(t + 1)/\(total) frames")
                    }
                }
            }
        case .directory(let path):
            let data: FrameDirectoryDataset
            // Fitted the way the model's footage was (provenance.fit), so bars or crops match.
            let fit = meta["provenance.fit"].flatMap(FrameFit.init(rawValue:)) ?? .crop
            do { data = try FrameDirectoryDataset(directory: path, width: w, height: h, fit: fit) }
            catch let e as FrameDataError { throw MeasureError(path: path, message: e.description) }
            for warning in data.warnings.prefix(3) { notes.append("\(path): \(warning)") }
            if data.warnings.count > 3 { notes.append("\(path): \(data.warnings.count - 3) more files skipped") }
            let sourceFPS = meta["provenance.frames_per_second"].flatMap(Double.init) ?? 30
            if meta["provenance.frames_per_second"] == nil {
                notes.append("no provenance.frames_per_second: the footage is taken to be 30 frames per second")
            }
            let k = max(1, meta["provenance.frame_step"].flatMap(Int.init) ?? Int((stepSeconds * sourceFPS).rounded()))
            let usable = (data.count + k - 1) / k
            guard usable >= 4 else {
                throw MeasureError(path: path, message: "\(data.count) frames taken every \(k) give \(usable) model steps; at least 4 are needed")
            }
            if trainedOn == path || trainedOn == nil {
                notes.append("\(path): the model may have been trained on these very frames (no held-out part is recorded)")
            } else if let t = trainedOn {
                notes.append("the model learned from \(t), but is compared with \(path)")
            }
            let used = min(usable, total)
            if used < total {
                notes.append("\(path) holds \(usable) model steps (every \(k == 1 ? "one" : NumberFormat.ordinal(k)) of \(data.count) files), fewer than the \(total) asked for: sets A and B get \(used / 2) each")
            }
            all = [Float](repeating: 0, count: used * n)
            all.withUnsafeMutableBufferPointer { buffer in
                for t in 0..<used {
                    data.frame(at: t * k, into: UnsafeMutableBufferPointer(rebasing: buffer[(t * n)..<((t + 1) * n)]))
                }
            }
            details = [("source", "directory"), ("path", path), ("files", String(data.count)),
                       ("every_kth_file", String(k)), ("source_frames_per_second", NumberFormat.compact(sourceFPS))]
        }

        let dealt = deal(all, width: w, height: h, chunk: chunk, testEvery: testEvery, gap: gap)
        details.append(("frames_per_set", "\(dealt.a.count) (A), \(dealt.b.count) (B)"))
        details.append(("chunk_steps", String(chunk)))
        var frames = ReferenceFrames(a: dealt.a, b: dealt.b, splitA: dealt.splitA, splitB: dealt.splitB,
                                     stepSeconds: stepSeconds, details: details, notes: notes)
        let opening = FrameSet(width: w, height: h, values: Array(all.prefix(min(keepOpening, all.count / n) * n)))
        frames.opening = (0..<opening.count).map { opening.rgb($0) }
        return frames
    }

    /// Deals a sequence of frames (consecutive steps) into sets A and B by chunks of `chunk`,
    /// with the aligned train/test splits described at the top of this file.
    public static func deal(_ values: [Float], width w: Int, height h: Int, chunk: Int, testEvery: Int = 5, gap requestedGap: Int = 25)
        -> (a: FrameSet, b: FrameSet, splitA: ChunkSplit, splitB: ChunkSplit) {
        precondition(chunk >= 1 && testEvery >= 2 && requestedGap >= 0)
        let n = w * h * 3
        let frames = values.count / n
        // Whole pairs only, so A and B get the same number of frames; chunks shrink for short
        // footage so that at least one pair is held out.
        let c = max(1, min(chunk, frames / (2 * testEvery)))
        let pairCount = frames / (2 * c)
        let gap = min(requestedGap, (c - 1) / 2)
        var a = FrameSet(width: w, height: h), b = FrameSet(width: w, height: h)
        var trainA: [Int] = [], testA: [Int] = [], trainB: [Int] = [], testB: [Int] = []
        for p in 0..<pairCount {
            let held = p % testEvery == testEvery - 1
            let first = p * 2 * c, second = first + c
            func chunkValues(_ start: Int) -> [Float] { Array(values[(start * n)..<((start + c) * n)]) }
            let aStart = a.count, bStart = b.count
            if held {
                // Held out: B's chunk, then A's; trim where they border training chunks.
                b.appendSegment(chunkValues(first))
                a.appendSegment(chunkValues(second))
                testB += Array((bStart + gap)..<(bStart + c))
                testA += Array(aStart..<(aStart + c - gap))
            } else {
                a.appendSegment(chunkValues(first))
                b.appendSegment(chunkValues(second))
                trainA += Array(aStart..<(aStart + c))
                trainB += Array(bStart..<(bStart + c))
            }
        }
        return (a, b, ChunkSplit(train: trainA, test: testA, chunk: c, gap: gap),
                ChunkSplit(train: trainB, test: testB, chunk: c, gap: gap))
    }

    /// The simulator palette of the model's provenance (classic where none is recorded).
    public static func simulatorPalette(_ model: LampModel) throws -> LampPalette {
        guard let name = model.metadata["provenance.simulator_palette"] else { return .classic }
        guard let p = LampPalette.named(name) else {
            throw MeasureError(path: model.path, message: "provenance.simulator_palette \"\(name)\" is not a palette this simulator knows (\(LampPalette.all.map(\.name).joined(separator: ", ")))")
        }
        return p
    }

    /// Real frames for the sphere's test (`PriorSamples`): two sets of `perSet` frames
    /// `targetSeconds` of lamp time apart (closer where a frame directory is too short), and,
    /// where the model's training frames are known (simulator seeds in its provenance), frames
    /// of its training runs for the diversity check.
    public static func spaced(_ source: DataSource, model: LampModel, perSet: Int, targetSeconds: Double = 4,
                              simulatorSeed: UInt64? = nil)
        throws -> (a: FrameSet, b: FrameSet, spacingSteps: Int, training: FrameSet?) {
        let w = model.config.frameWidth, h = model.config.frameHeight
        let stepSeconds = Double(model.config.stepSeconds)
        switch source {
        case .simulator:
            let palette = try simulatorPalette(model)
            let training = trainingSeeds(model.metadata)
            // Unseen runs: seeds past the report card's reference seed and the training seeds.
            var first = (simulatorSeed ?? heldOutSimulatorSeed) &+ 1
            if let r = training, r.overlaps(first...(first &+ 2 * UInt64(perSet))) { first = r.upperBound &+ 1 }
            let spacing = max(1, Int((targetSeconds / stepSeconds).rounded()))
            let perRun = 20, runs = 2 * ((perSet + perRun - 1) / perRun)
            let held = LampSequences.simulated(count: runs, length: perRun * spacing, width: w, height: h, stepSeconds: stepSeconds,
                                               palette: palette, seed: first)
            let all = Array(0..<runs)
            let a = PriorSamples.spacedFrames(held, sequences: all.filter { $0 % 2 == 0 }, spacing: spacing, limit: perSet)
            let b = PriorSamples.spacedFrames(held, sequences: all.filter { $0 % 2 == 1 }, spacing: spacing, limit: perSet)
            var trainingFrames: FrameSet?
            if let r = training, model.metadata["provenance.data"] == "simulator" {
                let count = Int(min(16, r.upperBound - r.lowerBound + 1))
                let runs = LampSequences.simulated(count: count, length: 250, width: w, height: h, stepSeconds: stepSeconds,
                                                   palette: palette, seed: r.lowerBound)
                trainingFrames = PriorSamples.spacedFrames(runs, sequences: Array(0..<count), spacing: 1, limit: 4000)
            }
            return (a, b, spacing, trainingFrames)
        case .directory(let path):
            let (data, k) = try footage(path, model: model)
            let steps = data.count / k
            let spacing = max(1, min(Int((targetSeconds / stepSeconds).rounded()), steps / max(1, 2 * perSet)))
            var a = FrameSet(width: w, height: h), b = FrameSet(width: w, height: h)
            var frame = [Float](repeating: 0, count: w * h * 3)
            var i = 0
            while i * spacing * k < data.count, a.count < perSet || b.count < perSet {
                frame.withUnsafeMutableBufferPointer { data.frame(at: i * spacing * k, into: $0) }
                frame.withUnsafeBufferPointer { f in
                    if i % 2 == 0 { if a.count < perSet { a.append(frame: f.baseAddress!, newSegment: true) } }
                    else if b.count < perSet { b.append(frame: f.baseAddress!, newSegment: true) }
                }
                i += 1
            }
            return (a, b, spacing, nil)
        }
    }

    /// A frame directory fitted as the model's footage was (provenance.fit), and the files per
    /// model step (provenance.frame_step, else step_seconds × the footage's fps, 30 if unknown).
    static func footage(_ path: String, model: LampModel) throws -> (data: FrameDirectoryDataset, filesPerStep: Int) {
        let m = model.metadata
        let fit = m["provenance.fit"].flatMap(FrameFit.init(rawValue:)) ?? .crop
        let data: FrameDirectoryDataset
        do { data = try FrameDirectoryDataset(directory: path, width: model.config.frameWidth, height: model.config.frameHeight, fit: fit) }
        catch let e as FrameDataError { throw MeasureError(path: path, message: e.description) }
        let fps = m["provenance.frames_per_second"].flatMap(Double.init) ?? 30
        let k = max(1, m["provenance.frame_step"].flatMap(Int.init) ?? Int((Double(model.config.stepSeconds) * fps).rounded()))
        return (data, k)
    }

    /// The simulator seeds the model was trained on, from `provenance.simulator` ("seeds A...B")
    /// or `provenance.simulator_seed`.
    public static func trainingSeeds(_ meta: [String: String]) -> ClosedRange<UInt64>? {
        if let text = meta["provenance.simulator"], let r = text.firstRange(of: "seeds ") {
            let rest = text[r.upperBound...]
            let parts = rest.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: true)
            if parts.count >= 2, let lo = UInt64(parts[0]),
               let hi = UInt64(parts[1].prefix { $0.isNumber }), lo <= hi {
                return lo...hi
            }
        }
        if let s = meta["provenance.simulator_seed"].flatMap(UInt64.init) { return s...s }
        return nil
    }
}

/// An evaluation error; the description names the file.
