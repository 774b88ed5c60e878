import DuralavaNN
import DuralavaRuntime

// Classifier two-sample test (C2ST): a small CNN is trained fresh to tell frames of set A
// (label 1) from frames of set B (label 0) and scored on held-out frames of both. Balanced
// accuracy 0.5 means the sets cannot be told apart; 1.0 means every test frame was
// classified right. Train and test frames come from a contiguous-chunk split of each set.

public struct ClassifierSettings: Equatable {
    /// Output channels of the three 4×4 stride-2 convolutions.
    public var channels: [Int] = [16, 32, 64]
    public var kernel = 4
    /// Optimizer updates (fixed, so a small set is not trained less than a large one).
    public var steps = 600
    /// Frames per update, half from each set.
    public var batch = 32
    /// Adam learning rate, cosine-decayed to a tenth over `steps`.
    public var learningRate: Float = 1e-3
    /// Split (ChunkSplit): 100-step chunks, every 5th held out, 25 steps trimmed next to
    /// training frames. A lamp changes slowly — at 0.2 s a step, frames 5 steps apart are
    /// still near copies — and with a 4-step gap even two halves of one simulator run scored
    /// 0.6–0.7 (the classifier recognises a held-out frame's neighbours); with 25 steps
    /// (5 lamp-seconds) they score about 0.5.
    public var chunk = 100
    public var testEvery = 5
    public var gap = 25
    public init() {}

    /// One line naming every layer, for the report.
    public func architecture(width: Int, height: Int) -> String {
        var h = height, w = width, c = 3
        var parts: [String] = ["input \(h)x\(w)x3 scaled to [-1,1]"]
        for ch in channels {
            h = (h + 1) / 2; w = (w + 1) / 2; c = ch
            parts.append("Conv2D \(kernel)x\(kernel) stride 2 same -> \(h)x\(w)x\(c), LeakyReLU 0.2")
        }
        parts.append("Flatten \(h * w * c) -> Dense 1 (logit)")
        return parts.joined(separator: "; ")
            + "; Adam lr \(NumberFormat.compact(Double(learningRate), 3)) cosine-decayed to a tenth, \(steps) steps of batch \(batch) "
            + "(half per set), binary cross-entropy; He-normal initial weights"
    }
}

public struct TwoSampleResult: Equatable {
    /// Balanced accuracy on the held-out frames: mean of the two per-set accuracies.
    public var accuracy: Double
    public var accuracyA: Double
    public var accuracyB: Double
    /// Balanced accuracy on the training frames (how well it fit).
    public var trainAccuracy: Double
    public var trainFrames: (a: Int, b: Int)
    public var testFrames: (a: Int, b: Int)
    public var seconds: Double

    public static func == (x: TwoSampleResult, y: TwoSampleResult) -> Bool {
        x.accuracy == y.accuracy && x.accuracyA == y.accuracyA && x.accuracyB == y.accuracyB
            && x.trainAccuracy == y.trainAccuracy && x.trainFrames == y.trainFrames && x.testFrames == y.testFrames
    }
}

public enum TwoSampleTest {
    /// The classifier, freshly initialised from `rng`.
    public static func makeClassifier(width: Int, height: Int, settings s: ClassifierSettings,
                                      rng: inout RandomGenerator) -> Sequential {
        var layers: [Layer] = []
        var cin = 3
        for (i, ch) in s.channels.enumerated() {
            layers.append(Conv2D(name: "conv\(i)", inputChannels: cin, outputChannels: ch, kernelSize: s.kernel,
                                 stride: 2, padding: .same, initializer: .heNormal, rng: &rng))
            layers.append(LeakyReLU(name: "act\(i)", slope: 0.2))
            cin = ch
        }
        let model = Sequential(name: "", layers + [Flatten(name: "flatten")])
        let features = model.outputShape(for: [1, height, width, 3])[1]
        return Sequential(name: "c2st", [model, Dense(name: "head", inputSize: features, outputSize: 1, rng: &rng)])
    }

    /// Trains on the training frames of `a` and `b` and scores on their test frames; a set's
    /// split is made by `ChunkSplit` unless given.
    public static func run(_ a: FrameSet, _ b: FrameSet, settings s: ClassifierSettings = ClassifierSettings(),
                           seed: UInt64, splitA givenA: ChunkSplit? = nil, splitB givenB: ChunkSplit? = nil) -> TwoSampleResult {
        let started = monotonicSeconds()
        let (splitA, splitB) = ChunkSplit.pair(a, b, settings: s, givenA: givenA, givenB: givenB)
        var rng = RandomGenerator(seed: seed)
        let model = makeClassifier(width: a.width, height: a.height, settings: s, rng: &rng)
        let optimizer = Adam(parameters: model.parameters, beta1: 0.9, beta2: 0.999)
        let schedule = CosineSchedule(initial: s.learningRate, final: s.learningRate / 10, totalSteps: max(s.steps, 1))
        let state = model.makeState()
        let half = max(1, s.batch / 2)
        let n = a.frameValueCount
        let input = Tensor(shape: [2 * half, a.height, a.width, 3])
        let targets = Tensor(shape: [2 * half, 1])
        let gradient = Tensor(shape: [2 * half, 1])
        for i in 0..<(2 * half) { targets[i] = i < half ? 1 : 0 }

        // Each class is drawn without replacement from a reshuffled deck of its training frames.
        var deckA = splitA.train, deckB = splitB.train
        var posA = deckA.count, posB = deckB.count
        func draw(_ deck: inout [Int], _ pos: inout Int) -> Int {
            if pos >= deck.count { shuffle(&deck, &rng); pos = 0 }
            pos += 1
            return deck[pos - 1]
        }
        for step in 0..<s.steps {
            for i in 0..<(2 * half) {
                let set = i < half ? a : b
                let index = i < half ? draw(&deckA, &posA) : draw(&deckB, &posB)
                set.withFrame(index) { scaleToSigned($0, into: input.pointer + i * n, count: n) }
            }
            let logits = model.forward(input, state: state, training: true)
            Loss.binaryCrossEntropyWithLogits(logits: logits, targets: targets, gradient: gradient)
            zeroGradients(model.parameters)
            _ = model.backward(gradient, state: state, options: .parametersOnly)
            optimizer.step(learningRate: schedule.rate(at: step))
        }

        // Fraction of `indices` of `set` that the classifier puts on `label`'s side.
        func accuracy(_ set: FrameSet, _ indices: [Int], label: Float) -> Double {
            var right = 0
            let batch = max(s.batch, 1)
            var start = 0
            while start < indices.count {
                let end = min(start + batch, indices.count)
                let x = Tensor(shape: [end - start, set.height, set.width, 3])
                for (j, index) in indices[start..<end].enumerated() {
                    set.withFrame(index) { scaleToSigned($0, into: x.pointer + j * n, count: n) }
                }
                let logits = model.forward(x, state: model.makeState(), training: false)
                for j in 0..<(end - start) where (logits[j] > 0) == (label == 1) { right += 1 }
                start = end
            }
            return indices.isEmpty ? 0 : Double(right) / Double(indices.count)
        }
        let accA = accuracy(a, splitA.test, label: 1), accB = accuracy(b, splitB.test, label: 0)
        // Training fit on at most ~512 evenly spaced frames per set (a diagnostic, not the score).
        func spread(_ x: [Int]) -> [Int] { stride(from: 0, to: x.count, by: max(1, x.count / 512)).map { x[$0] } }
        let fitA = accuracy(a, spread(splitA.train), label: 1)
        let fitB = accuracy(b, spread(splitB.train), label: 0)
        return TwoSampleResult(accuracy: (accA + accB) / 2, accuracyA: accA, accuracyB: accB,
                                   trainAccuracy: (fitA + fitB) / 2,
                                   trainFrames: (splitA.train.count, splitB.train.count),
                                   testFrames: (splitA.test.count, splitB.test.count),
                                   seconds: monotonicSeconds() - started)
    }

    @inline(__always)
    static func scaleToSigned(_ frame: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = frame[i] * 2 - 1 }
    }

    static func shuffle(_ a: inout [Int], _ rng: inout RandomGenerator) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = rng.int(below: i + 1)
            a.swapAt(i, j)
        }
    }
}

extension ChunkSplit {
    /// The train/test splits of a two-sample test's two sets: the given ones, or chunked by
    /// `s`; both classifier families split alike.
    static func pair(_ a: FrameSet, _ b: FrameSet, settings s: ClassifierSettings,
                     givenA: ChunkSplit?, givenB: ChunkSplit?) -> (ChunkSplit, ChunkSplit) {
        precondition(a.width == b.width && a.height == b.height, "two-sample test of different frame sizes")
        let splitA = givenA ?? ChunkSplit(a, chunk: s.chunk, testEvery: s.testEvery, gap: s.gap)
        let splitB = givenB ?? ChunkSplit(b, chunk: s.chunk, testEvery: s.testEvery, gap: s.gap)
        precondition(!splitA.train.isEmpty && !splitB.train.isEmpty && !splitA.test.isEmpty && !splitB.test.isEmpty,
                     "two-sample test needs more frames (got \(a.count) and \(b.count))")
        return (splitA, splitB)
    }
}
