import DuralavaRuntime

/// Where a lamp's frames go — one home for `render`, the board's `render`, `compare` and the
/// trainer's sample animations: one animated PNG that loops forever, or numbered PNG frames in a
/// directory (`RenderOutput`'s rule, docs/runtime.md), each frame scaled up by an integer factor
/// (nearest neighbour). The animation is streamed (`APNGWriter`): memory for one frame only.
public final class FrameSink {
    public let path: String
    /// The written frames' size: the lamp's frame times `scale`.
    public let width: Int, height: Int
    private let frameWidth: Int, frameHeight: Int, scale: Int
    private let animation: APNGWriter?
    private var scaled: [UInt8]
    private var index = 0

    /// `frameCount` frames of `frameWidth`×`frameHeight` RGB, each shown for
    /// delay.numerator / delay.denominator seconds, deflated at zlib level `compression` (the
    /// animation's; numbered frames use writePNG's); `toDirectory`: numbered frames in `path`
    /// (which RenderOutput.prepare has created) instead of one animation.
    public init(path: String, frameWidth: Int, frameHeight: Int, scale: Int = 1, frameCount: Int,
                delay: (numerator: UInt16, denominator: UInt16), compression: Int32 = 6,
                toDirectory: Bool = false) throws(OutputError) {
        self.path = path
        self.frameWidth = frameWidth; self.frameHeight = frameHeight; self.scale = scale
        width = frameWidth * scale; height = frameHeight * scale
        scaled = scale == 1 && !toDirectory ? [] : [UInt8](repeating: 0, count: width * height * 3)
        animation = toDirectory ? nil
            : try APNGWriter(path: path, width: width, height: height, frameCount: frameCount,
                             delayNumerator: delay.numerator, delayDenominator: delay.denominator, compression: compression)
    }

    /// Writes the next frame (`frameWidth`×`frameHeight` RGB, before scaling).
    public func append(_ rgb: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        if let animation, scale == 1 {
            try animation.append(rgb: rgb)
        } else {
            upscale(rgb)
            if let animation {
                try animation.append(rgb: scaled)
            } else {
                try writePNG(path: RenderOutput.framePath(path, index), width: width, height: height, rgb: scaled)
            }
        }
        index += 1
    }

    /// Completes the animation (numbered frames are complete as written).
    public func finish() throws(OutputError) { try animation?.finish() }

    /// Removes a partial animation: a failed or interrupted render leaves nothing behind
    /// (exit() skips deinit, so error paths call this before exiting).
    public func abandon() { animation?.abandon() }

    private func upscale(_ src: UnsafeBufferPointer<UInt8>) {
        if scale == 1 { for i in 0..<src.count { scaled[i] = src[i] }; return }
        for y in 0..<height {
            for x in 0..<width {
                let s = ((y / scale) * frameWidth + x / scale) * 3, d = (y * width + x) * 3
                scaled[d] = src[s]; scaled[d + 1] = src[s + 1]; scaled[d + 2] = src[s + 2]
            }
        }
    }
}

/// A lamp whose frames can be recorded: `LampAnimator`, or `compare`'s two lamps side by side.
public protocol RecordableLamp: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// The frame `render(phase:)` drew, RGB.
    var rgb: UnsafeMutableBufferPointer<UInt8> { get }
    /// Draws the frame at `phase` ∈ [0, 1) of the way from the current model step to the next.
    func render(phase: Float)
    /// One model step.
    func advance()
}

extension LampAnimator: RecordableLamp {}

extension FrameSink {
    /// The animator → frames loop, written once: `steps` model steps of `lamp`, each shown as
    /// `between + 1` display frames (the in-between ones at phases k / (between + 1),
    /// docs/design.md#between-model-steps), every frame into `sink` (nil: generated, not
    /// written). `frameDone(index)` runs after each frame, `stepDone(step)` after each model step.
    public static func record<Lamp: RecordableLamp>(_ lamp: Lamp, steps: Int, between: Int = 0, into sink: FrameSink?,
                                                    frameDone: (Int) -> Void = { _ in },
                                                    stepDone: (Int) -> Void = { _ in }) throws(OutputError) {
        var index = 0
        for step in 0..<steps {
            for k in 0...between {
                lamp.render(phase: Float(k) / Float(between + 1))
                try sink?.append(UnsafeBufferPointer(lamp.rgb))
                frameDone(index)
                index += 1
            }
            lamp.advance()
            stepDone(step)
        }
    }
}
