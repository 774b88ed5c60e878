// Motion persistence: whether the lamp keeps moving the way it was moving. The mean cosine
// between consecutive frame differences, (F_t − F_t−1)·(F_t+1 − F_t) / (|…|·|…|), over every
// step inside a segment of consecutive frames. Smooth blobs that travel give differences that
// point the same way from step to step (the simulator's footage: 0.69 at 5 steps a lamp-second);
// a lamp that jitters in place gives about 0, and one that flickers back and forth a negative
// value. Frame change alone cannot tell these apart (docs/training.md, "Motion without persistence").

public enum MotionPersistence {
    /// The mean cosine (0 when no step has two non-zero differences).
    public static func meanCosine(_ frames: FrameSet) -> Double {
        let n = frames.frameValueCount
        var sum = 0.0, count = 0
        frames.values.withUnsafeBufferPointer { v in
            for seg in frames.segments where seg.count >= 3 {
                for i in (seg.lowerBound + 1)..<(seg.upperBound - 1) {
                    let before = v.baseAddress! + (i - 1) * n, now = v.baseAddress! + i * n, after = v.baseAddress! + (i + 1) * n
                    var dot = 0.0, a2 = 0.0, b2 = 0.0
                    for k in 0..<n {
                        let a = Double(now[k] - before[k]), b = Double(after[k] - now[k])
                        dot += a * b; a2 += a * a; b2 += b * b
                    }
                    guard a2 > 0, b2 > 0 else { continue }
                    sum += dot / (a2 * b2).squareRoot()
                    count += 1
                }
            }
        }
        return count > 0 ? sum / Double(count) : 0
    }
}
