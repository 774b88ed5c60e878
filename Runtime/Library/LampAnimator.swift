/// How display frames between two model steps are made.
public enum BetweenFrames: String, CaseIterable {
    /// Generate the in-between frame from the interpolated latent: no ghosting.
    case latent
    /// Cross-fade the two step frames, as the original did (cheaper: no extra generator runs).
    case pixel
}

/// Turns the latent loop into a stream of display frames: model steps at `rate` per second,
/// in-between frames at any phase 0 ≤ t < 1 between step k and k+1. All buffers are planned
/// at creation; producing a frame allocates nothing.
public final class LampAnimator {
    public let model: LampModel
    public let loop: LatentLoop
    public var between: BetweenFrames
    public let frameValueCount: Int
    public var width: Int { model.config.frameWidth }
    public var height: Int { model.config.frameHeight }
    private let dim: Int
    private var from: UnsafeMutableBufferPointer<Float>
    private var to: UnsafeMutableBufferPointer<Float>
    private let mixed: UnsafeMutableBufferPointer<Float>
    private var fromFrame: UnsafeMutableBufferPointer<Float>
    private var toFrame: UnsafeMutableBufferPointer<Float>
    public let frame: UnsafeMutableBufferPointer<Float>
    public let rgb: UnsafeMutableBufferPointer<UInt8>
    public private(set) var stepCount = 0

    public init(model: LampModel, seed: UInt64, between: BetweenFrames = .latent,
                guards: GuardSettings = GuardSettings()) {
        self.model = model
        self.between = between
        loop = LatentLoop(rnn: model.rnn, seed: seed, settings: guards, startLatents: model.startLatents)
        dim = model.config.latentDim
        frameValueCount = model.generator.frameValueCount
        from = .allocate(capacity: dim); to = .allocate(capacity: dim); mixed = .allocate(capacity: dim)
        fromFrame = .allocate(capacity: frameValueCount); toFrame = .allocate(capacity: frameValueCount)
        frame = .allocate(capacity: frameValueCount)
        rgb = .allocate(capacity: frameValueCount)
        restartFromLoop()
    }

    deinit {
        from.deallocate(); to.deallocate(); mixed.deallocate()
        fromFrame.deallocate(); toFrame.deallocate(); frame.deallocate(); rgb.deallocate()
    }

    /// Advances one model step: the old target becomes the start of the next interval.
    public func advance() {
        // The old target becomes the start: swap the buffers rather than copy them.
        swap(&from, &to)
        swap(&fromFrame, &toFrame)
        loop.step()
        _ = to.baseAddress!.update(from: loop.latent.baseAddress!, count: dim)
        model.generator.forward(latent: to.baseAddress!, frame: toFrame.baseAddress!)
        loop.observeFrameChange(meanAbsoluteDifference(fromFrame.baseAddress!, toFrame.baseAddress!, count: frameValueCount))
        stepCount += 1
    }

    /// A fresh random latent (the 'r' key); the picture jumps, as a reseed should.
    public func reseed() {
        loop.reseed()
        restartFromLoop()
    }

    /// Restarts from a given latent (a paired lamp follows another's start this way).
    public func restart(from latent: [Float]) {
        loop.reset(to: latent)
        restartFromLoop()
    }

    private func restartFromLoop() {
        _ = from.baseAddress!.update(from: loop.latent.baseAddress!, count: dim)
        model.generator.forward(latent: from.baseAddress!, frame: fromFrame.baseAddress!)
        loop.step()
        _ = to.baseAddress!.update(from: loop.latent.baseAddress!, count: dim)
        model.generator.forward(latent: to.baseAddress!, frame: toFrame.baseAddress!)
    }

    /// Renders the display frame at `phase` ∈ [0,1) of the current interval into `frame` and `rgb`.
    public func render(phase: Float) {
        let t = Swift.min(Swift.max(phase, 0), 1)
        if t == 0 {
            _ = frame.baseAddress!.update(from: fromFrame.baseAddress!, count: frameValueCount)
        } else {
            switch between {
            case .latent:
                // Interpolate, then renormalize: stays on the shell the generator was trained on.
                for i in 0..<dim { mixed[i] = from[i] + t * (to[i] - from[i]) }
                renormalize(mixed.baseAddress!, count: dim)
                model.generator.forward(latent: mixed.baseAddress!, frame: frame.baseAddress!)
            case .pixel:
                for i in 0..<frameValueCount { frame[i] = fromFrame[i] + t * (toFrame[i] - fromFrame[i]) }
            }
        }
        quantizeFrame(frame.baseAddress!, count: frameValueCount, into: rgb.baseAddress!)
    }
}
