import DuralavaRuntime

/// Training footage: several sequences of frames, consecutive frames one model step apart
/// (docs/design.md#the-reference-system: a model step is `stepSeconds` of lamp time). Stored as 8-bit RGB (HWC) to keep
/// a long data set small; converted to floats in [0,1] per batch.
public final class LampSequences {
    public let width: Int
    public let height: Int
    public let stepSeconds: Double
    /// sequences[s] holds length × H × W × 3 bytes.
    public private(set) var sequences: [[UInt8]]
    public let length: Int
    /// What the frames are, for the model file's provenance metadata.
    public let provenance: [String: String]

    public var frameValueCount: Int { width * height * 3 }
    public var frameCount: Int { sequences.count * length }

    public init(width: Int, height: Int, stepSeconds: Double, sequences: [[UInt8]], length: Int,
                provenance: [String: String]) {
        precondition(sequences.allSatisfy { $0.count == length * width * height * 3 })
        self.width = width; self.height = height; self.stepSeconds = stepSeconds
        self.sequences = sequences; self.length = length; self.provenance = provenance
    }

    /// `count` simulator runs (seeds seed, seed+1, …) of `length` steps each.
    public static func simulated(count: Int, length: Int, width: Int, height: Int, stepSeconds: Double,
                                 palette: LampPalette = .classic, seed: UInt64,
                                 progress: ((Int) -> Void)? = nil) -> LampSequences {
        var seqs: [[UInt8]] = []
        let n = width * height * 3
        for s in 0..<count {
            let sim = LavaLampSimulator(seed: seed &+ UInt64(s), palette: palette, width: width, height: height,
                                        fps: 1 / stepSeconds)
            var frames = [UInt8](repeating: 0, count: length * n)
            frames.withUnsafeMutableBufferPointer { all in
                for t in 0..<length {
                    sim.nextFrame(into: UnsafeMutableBufferPointer(rebasing: all[(t * n)..<((t + 1) * n)]))
                }
            }
            seqs.append(frames)
            progress?(s + 1)
        }
        return LampSequences(width: width, height: height, stepSeconds: stepSeconds, sequences: seqs, length: length,
                             provenance: ["provenance.data": "simulator",
                                          "provenance.simulator": "seeds \(seed)...\(seed &+ UInt64(count - 1)), palette \(palette.name), \(count) runs of \(length) steps",
                                          "provenance.frames_per_second": "\(1 / stepSeconds)",
                                          "provenance.frame_step": "1",
                                          "provenance.simulator_seed": "\(seed)",
                                          "provenance.simulator_palette": palette.name])
    }

    /// Frame t of sequence s as floats in [0,1] into `out`.
    public func copyFrame(sequence s: Int, step t: Int, into out: UnsafeMutablePointer<Float>) {
        let n = frameValueCount
        sequences[s].withUnsafeBufferPointer { b in
            let src = b.baseAddress! + t * n
            for i in 0..<n { out[i] = Float(src[i]) * (1 / 255) }
        }
    }

    /// The footage's median per-step frame change (mean absolute pixel difference, 0–1) over
    /// up to `pairs` consecutive pairs spread evenly over the sequences: what the model records
    /// (`motion.footage_frame_change`) and the runtime judges its lamp's motion against.
    public func medianFrameChange(pairs: Int = 4000) -> Float {
        let perSequence = length - 1
        let total = sequences.count * perSequence
        guard total > 0 else { return 0 }
        let n = frameValueCount
        var changes: [Float] = []
        let count = min(pairs, total)
        changes.reserveCapacity(count)
        for k in 0..<count {
            let index = k * total / count
            let s = index / perSequence, t = index % perSequence + 1
            sequences[s].withUnsafeBufferPointer { b in
                let a = b.baseAddress! + (t - 1) * n, c = b.baseAddress! + t * n
                var sum = 0
                for i in 0..<n { sum += abs(Int(c[i]) - Int(a[i])) }
                changes.append(Float(sum) / Float(n) / 255)
            }
        }
        changes.sort()
        return changes[changes.count / 2]
    }
}
