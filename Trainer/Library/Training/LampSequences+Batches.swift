import DuralavaData
import DuralavaNN

// The footage as training batches: the trainer's view of LampSequences (Trainer/Data), drawn
// with the trainer's random stream.
extension LampSequences {
    /// `count` frames drawn at random (a sequence, then a step in it, for each) into `out`
    /// ([count, H, W, 3]): the training batches of both phases.
    public func copyRandomFrames(count: Int, rng: inout RandomGenerator, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            copyFrame(sequence: rng.int(below: sequences.count), step: rng.int(below: length), into: out + i * frameValueCount)
        }
    }
}
