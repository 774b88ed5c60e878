import DuralavaData

// The footage as the measures read it: LampSequences (Trainer/Data) as a frame set.
extension LampSequences {
    /// The given sequences as one frame set, a segment each (what the classifiers and motion
    /// measures read).
    public func frameSet(sequences picked: [Int]) -> FrameSet {
        var set = FrameSet(width: width, height: height)
        for q in picked {
            var segment = [Float](repeating: 0, count: length * frameValueCount)
            segment.withUnsafeMutableBufferPointer { b in
                for t in 0..<length { copyFrame(sequence: q, step: t, into: b.baseAddress! + t * frameValueCount) }
            }
            set.appendSegment(segment)
        }
        return set
    }
}
