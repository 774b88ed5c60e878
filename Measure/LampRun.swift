// The lamp as the runtime runs it: `LatentLoop` (renormalization and every guard) and the
// generator, advanced by the runtime's own `ModelStep` — the step `LampAnimator.advance` takes —
// so the report card measures exactly what a user's screen shows. Long endurance stretches step the loop alone (the RNN is cheap, the
// generator is not) and render only where frames are sampled.
// The RNN's raw output (before renormalization) is the loop's own `rawOutput`.

import DuralavaRuntime

public final class LampRun {
    public let model: LampModel
    public let loop: LatentLoop
    public var frameValueCount: Int { model.generator.frameValueCount }
    private var previous: UnsafeMutableBufferPointer<Float>
    private var current: UnsafeMutableBufferPointer<Float>
    private let latent: UnsafeMutableBufferPointer<Float>
    private let stepper: ModelStep
    /// Whether `current` holds the frame of the loop's current latent.
    private var rendered = false

    /// The guards default to the runtime's for this model (`GuardSettings(footageFrameChange:)`).
    public init(model: LampModel, seed: UInt64, guards: GuardSettings? = nil) {
        self.model = model
        loop = LatentLoop(rnn: model.rnn, seed: seed, settings: guards ?? GuardSettings(footageFrameChange: model.config.footageFrameChange),
                          startLatents: model.startLatents)
        let n = model.generator.frameValueCount
        previous = .allocate(capacity: n); previous.initialize(repeating: 0)
        current = .allocate(capacity: n); current.initialize(repeating: 0)
        latent = .allocate(capacity: model.config.latentDim); latent.initialize(repeating: 0)
        stepper = ModelStep(loop: loop, generator: model.generator)
    }

    deinit { previous.deallocate(); current.deallocate(); latent.deallocate() }

    /// One step of the latent loop without a frame.
    public func step() {
        loop.step()
        rendered = false
    }

    /// One step with its frame, as `LampAnimator.advance` does it: the stall guard sees how
    /// much the picture changed. Returns the new frame (valid until the next call).
    @discardableResult
    public func stepRendering() -> UnsafePointer<Float> {
        if !rendered { renderCurrent() }
        swap(&previous, &current)
        stepper.target(after: previous, latent: latent, frame: current)
        stepper.run()
        return UnsafePointer(current.baseAddress!)
    }

    /// The frame of the current latent (rendered on demand).
    @discardableResult
    public func renderCurrent() -> UnsafePointer<Float> {
        if !rendered {
            model.generator.forward(latent: loop.latent.baseAddress!, frame: current.baseAddress!)
            rendered = true
        }
        return UnsafePointer(current.baseAddress!)
    }

    /// `count` consecutive frames, starting with the current latent's, as one segment.
    public func renderSequence(count: Int) -> FrameSet {
        var set = FrameSet(width: model.config.frameWidth, height: model.config.frameHeight)
        guard count > 0 else { return set }
        set.append(frame: renderCurrent(), newSegment: true)
        for _ in 1..<max(count, 1) { set.append(frame: stepRendering()) }
        return set
    }
}
