// Train/test split of a frame sequence by contiguous chunks. Neighbouring frames of a lamp
// are nearly identical, so a random frame-level split would test the classifier on frames it
// has as good as seen. Instead each segment is cut into chunks of `chunk` consecutive frames,
// every `testEvery`-th chunk is held out for testing, and `gap` frames at both ends of a test
// chunk are dropped, so no test frame is within `gap` steps of a training frame.

public struct ChunkSplit: Equatable {
    public let train: [Int]
    public let test: [Int]
    /// The chunk length and gap actually used (shrunk for small sets so both sides get frames).
    public let chunk: Int
    public let gap: Int

    /// A split made elsewhere (ReferenceFrames deals real frames into two sets with aligned splits).
    public init(train: [Int], test: [Int], chunk: Int, gap: Int) {
        self.train = train; self.test = test; self.chunk = chunk; self.gap = gap
    }

    public init(_ frames: FrameSet, chunk requestedChunk: Int = 100, testEvery: Int = 5, gap requestedGap: Int = 25) {
        precondition(requestedChunk >= 1 && testEvery >= 2 && requestedGap >= 0, "bad chunk split settings")
        // At least two test chunks' worth of frames when the set allows it.
        let total = frames.count
        let chunk = max(1, min(requestedChunk, total / (2 * testEvery)))
        let gap = min(requestedGap, (chunk - 1) / 3)
        var train: [Int] = [], test: [Int] = []
        var k = 0
        for seg in frames.segments {
            var start = seg.lowerBound
            while start < seg.upperBound {
                let end = min(start + chunk, seg.upperBound)
                if k % testEvery == testEvery - 1 {
                    let lo = start + (start == seg.lowerBound ? 0 : gap)
                    let hi = end - (end == seg.upperBound ? 0 : gap)
                    // A segment edge needs no gap: no training frame lies beyond it.
                    if lo < hi { test += Array(lo..<hi) }
                } else {
                    train += Array(start..<end)
                }
                start = end
                k += 1
            }
        }
        self.train = train
        self.test = test
        self.chunk = chunk
        self.gap = gap
    }
}
