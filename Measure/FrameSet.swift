// A set of frames under evaluation: H×W×3 floats in [0,1] (channels-last, top row first),
// stored back to back, grouped into segments of consecutive model steps. Measures of motion
// only pair frames inside a segment: the last frame of one segment and the first of the next
// are not one step apart.

public struct FrameSet {
    public let width: Int
    public let height: Int
    public private(set) var values: [Float]
    /// Ranges of frame indices that are consecutive model steps.
    public private(set) var segments: [Range<Int>]

    public var frameValueCount: Int { width * height * 3 }
    public var count: Int { values.count / frameValueCount }

    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "frame size must be positive")
        self.width = width; self.height = height
        values = []; segments = []
    }

    /// Frames `values` (a multiple of W·H·3 floats) as one segment of consecutive steps.
    public init(width: Int, height: Int, values: [Float]) {
        self.init(width: width, height: height)
        appendSegment(values)
    }

    /// Appends consecutive frames as a new segment.
    public mutating func appendSegment(_ frames: [Float]) {
        precondition(frames.count % frameValueCount == 0, "FrameSet: \(frames.count) values are not whole \(width)x\(height) frames")
        let first = count
        values += frames
        if count > first { segments.append(first..<count) }
    }

    /// Appends one frame to the last segment (or starts one if `newSegment`).
    public mutating func append(frame: UnsafePointer<Float>, newSegment: Bool = false) {
        let first = count
        values.append(contentsOf: UnsafeBufferPointer(start: frame, count: frameValueCount))
        if newSegment || segments.isEmpty { segments.append(first..<first + 1) }
        else { segments[segments.count - 1] = segments[segments.count - 1].lowerBound..<first + 1 }
    }

    /// Frame `i` as an array.
    public func frame(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < count, "frame \(i) of \(count)")
        return Array(values[(i * frameValueCount)..<((i + 1) * frameValueCount)])
    }

    /// Runs `body` with a pointer to frame `i`.
    public func withFrame<R>(_ i: Int, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < count, "frame \(i) of \(count)")
        return try values.withUnsafeBufferPointer { try body($0.baseAddress! + i * frameValueCount) }
    }

    /// Frame `i` as 8-bit RGB, rounded like the runtime rounds display frames.
    public func rgb(_ i: Int) -> [UInt8] {
        let values = frame(i)
        return values.map { v in
            let x = v * 255 + 0.5
            return x <= 0 ? 0 : (x >= 255 ? 255 : UInt8(x))
        }
    }

    /// Appends every frame of `other`, keeping its segments.
    public mutating func append(_ other: FrameSet) {
        precondition(other.width == width && other.height == height, "FrameSet: appending frames of another size")
        let first = count
        values += other.values
        segments += other.segments.map { (first + $0.lowerBound)..<(first + $0.upperBound) }
    }

    /// The frames as a screen shows them: each value rounded to 8 bits (pixel / 255), so a
    /// float lamp is compared with an int8 one (whose frames are 8-bit already) on equal terms.
    public func asDisplayed() -> FrameSet {
        var copy = self
        copy.values = values.map { v in
            let x = v * 255 + 0.5
            return Float(x > 0 ? (x >= 255 ? 255 : UInt8(x)) : 0) / 255
        }
        return copy
    }
}
