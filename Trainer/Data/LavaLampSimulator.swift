// The default data source of the trainer: a simulated lava lamp that produces frames
// on demand. The physics runs in fixed steps (1/60 s by default); frames are taken at
// `fps` frames per lamp-second, each rendered between the two physics steps around its
// time, so the same seed gives the same motion at any frame rate.

public final class LavaLampSimulator {
    public let width: Int
    public let height: Int
    /// Frames per lamp-second.
    public let fps: Double
    public let seed: UInt64
    public var palette: LampPalette { renderer.palette }
    /// Lamp time that elapsed before the first frame: a lamp just switched on has all its
    /// wax in a cold pool, which is not what a warmed-up lamp looks like.
    public let warmUpSeconds: Double

    /// The physical state (read it for statistics; it is advanced by the frame calls).
    public private(set) var physics: LavaLampPhysics
    public let renderer: LampRenderer
    /// Frames produced (or skipped with `advanceFrame`) so far.
    public private(set) var frameIndex: Int = 0

    private var scratch: [Float]
    private let warmUpSteps: Int

    /// Values in one frame: width * height * 3.
    public var frameValueCount: Int { width * height * 3 }

    public init(seed: UInt64 = 0, palette: LampPalette = .classic, width: Int = 64, height: Int = 64,
                fps: Double = 30, warmUpSeconds: Double = 300,
                parameters: LavaPhysicsParameters = LavaPhysicsParameters()) {
        precondition(fps > 0 && fps.isFinite, "fps must be positive")
        precondition(warmUpSeconds >= 0, "warm-up must not be negative")
        self.width = width
        self.height = height
        self.fps = fps
        self.seed = seed
        self.warmUpSeconds = warmUpSeconds
        physics = LavaLampPhysics(seed: seed, parameters: parameters)
        renderer = LampRenderer(width: width, height: height, palette: palette, geometry: physics.geometry)
        scratch = [Float](repeating: 0, count: width * height * 3)
        warmUpSteps = Int((warmUpSeconds * parameters.stepsPerSecond).rounded(.down))
        for _ in 0..<warmUpSteps { physics.step() }
    }

    /// Lamp time of the next frame, in physics steps (fractional).
    private func stepPosition(ofFrame k: Int) -> Double {
        Double(warmUpSteps) + Double(k) * physics.parameters.stepsPerSecond / fps
    }

    /// Advances the physics to the time of the next frame without rendering it, and
    /// returns the interpolation weight for rendering it.
    @discardableResult
    public func advanceFrame() -> Double {
        let position = stepPosition(ofFrame: frameIndex)
        frameIndex += 1
        // Run up to the first step at or after the frame's time (with a tolerance for
        // rounding, so whole-step times land exactly on a step).
        let target = Int((position - 1e-7).rounded(.up))
        while physics.stepCount < target { physics.step() }
        return 1 - (Double(physics.stepCount) - position)
    }

    /// Renders the next frame as Float RGB in [0, 1] (H*W*3, top row first).
    public func nextFrame(into out: UnsafeMutableBufferPointer<Float>) {
        let a = advanceFrame()
        renderer.render(physics, interpolation: a, into: out)
    }

    public func nextFrame(into out: inout [Float]) {
        if out.count != frameValueCount { out = [Float](repeating: 0, count: frameValueCount) }
        out.withUnsafeMutableBufferPointer { nextFrame(into: $0) }
    }

    public func nextFrame() -> [Float] {
        var out = [Float](repeating: 0, count: frameValueCount)
        nextFrame(into: &out)
        return out
    }

    /// Renders the next frame as 8-bit RGB (H*W*3, top row first), for writing PNGs.
    public func nextFrame(into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(out.count >= frameValueCount, "output buffer too small")
        scratch.withUnsafeMutableBufferPointer { s in
            nextFrame(into: s)
            for i in 0..<frameValueCount {
                out[i] = UInt8(min(max(s[i], 0), 1) * 255 + 0.5)
            }
        }
    }

    public func nextFrame(into out: inout [UInt8]) {
        if out.count != frameValueCount { out = [UInt8](repeating: 0, count: frameValueCount) }
        out.withUnsafeMutableBufferPointer { nextFrame(into: $0) }
    }
}
