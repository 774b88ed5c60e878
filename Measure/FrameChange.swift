// Per-step frame change: the mean absolute difference of corresponding pixel values
// (0–1 scale, all three channels) between the frames of consecutive model steps — the same
// measure the runtime's stall guard watches. A step is near-frozen when its change is below
// a floor; a frozen run is a stretch of consecutive near-frozen steps.

import DuralavaRuntime

public struct FrameChange {
    /// One value per consecutive pair inside each segment, in order.
    public let changes: [Double]
    /// Changes grouped by segment (for runs that must not cross segment boundaries).
    public let segmentChanges: [[Double]]

    public init(_ frames: FrameSet) {
        var all: [Double] = []
        var bySegment: [[Double]] = []
        let n = frames.frameValueCount
        frames.values.withUnsafeBufferPointer { v in
            for seg in frames.segments {
                var part: [Double] = []
                if seg.count >= 2 {
                    for i in seg.lowerBound..<(seg.upperBound - 1) {
                        let a = v.baseAddress! + i * n
                        part.append(Double(meanAbsoluteDifference(a, a + n, count: n)))
                    }
                }
                all += part
                bySegment.append(part)
            }
        }
        changes = all
        segmentChanges = bySegment
    }

    public var distribution: Distribution { Distribution(changes) }

    /// Fraction of steps whose change is below `floor`.
    public func nearFrozenFraction(floor: Double) -> Double {
        changes.isEmpty ? 0 : Double(changes.filter { $0 < floor }.count) / Double(changes.count)
    }

    /// Longest run of consecutive steps below `floor`, in steps.
    public func longestFrozenRun(floor: Double) -> Int {
        var longest = 0
        for part in segmentChanges {
            var run = 0
            for c in part {
                run = c < floor ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return longest
    }
}
