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
///
/// `threaded`: the next model step (loop step and its frame) is computed on a worker thread
/// while the current interval is displayed, into a third pair of buffers; `advance` then only
/// rotates buffers (it waits only if the worker is not done yet). The frames are the same as
/// unthreaded until a reseed or restart (the loop is one step ahead then, so the new start
/// draws other noise). While threaded, read the guard counters through `counters`, not `loop`.
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
    /// The step after `to`, computed ahead by the worker (threaded only).
    private var next: UnsafeMutableBufferPointer<Float>
    private var nextFrame: UnsafeMutableBufferPointer<Float>
    /// The part of `advance` the worker can do (with a generator of its own when threaded).
    private let stepper: ModelStep
    private var worker: BackgroundJob?
    public let frame: UnsafeMutableBufferPointer<Float>
    public let rgb: UnsafeMutableBufferPointer<UInt8>
    public private(set) var stepCount = 0
    /// The loop's guard counters as of the last `advance` (safe to read while threaded).
    public private(set) var counters = GuardCounters()

    public init(model: LampModel, seed: UInt64, between: BetweenFrames = .latent,
                guards: GuardSettings? = nil, threaded: Bool = false) {
        self.model = model
        self.between = between
        loop = LatentLoop(rnn: model.rnn, seed: seed, settings: guards ?? GuardSettings(footageFrameChange: model.config.footageFrameChange),
                          startLatents: model.startLatents)
        dim = model.config.latentDim
        frameValueCount = model.generator.frameValueCount
        from = .allocate(capacity: dim); to = .allocate(capacity: dim); mixed = .allocate(capacity: dim)
        fromFrame = .allocate(capacity: frameValueCount); toFrame = .allocate(capacity: frameValueCount)
        frame = .allocate(capacity: frameValueCount)
        rgb = .allocate(capacity: frameValueCount)
        next = .allocate(capacity: dim); nextFrame = .allocate(capacity: frameValueCount)
        stepper = ModelStep(loop: loop, generator: threaded ? model.generator.sharingWeights() : model.generator)
        restartFromLoop()
        counters = loop.counters
        if threaded {
            // The job holds the stepper, not the animator: nothing of the animator is touched
            // off the main thread but the buffers handed over in `stepper`.
            worker = BackgroundJob { [stepper] in stepper.run() }
            stepper.target(after: toFrame, latent: next, frame: nextFrame)
            worker!.start()
        }
    }

    deinit {
        worker?.wait()
        worker = nil    // joins the thread before the buffers go
        from.deallocate(); to.deallocate(); mixed.deallocate(); next.deallocate()
        fromFrame.deallocate(); toFrame.deallocate(); nextFrame.deallocate(); frame.deallocate(); rgb.deallocate()
    }

    /// Advances one model step: the old target becomes the start of the next interval (the
    /// buffers rotate rather than copy).
    public func advance() {
        if let worker {
            worker.wait()
            (from, to, next) = (to, next, from)
            (fromFrame, toFrame, nextFrame) = (toFrame, nextFrame, fromFrame)
            counters = loop.counters
            stepper.target(after: toFrame, latent: next, frame: nextFrame)
            worker.start()
        } else {
            swap(&from, &to)
            swap(&fromFrame, &toFrame)
            stepper.target(after: fromFrame, latent: to, frame: toFrame)
            stepper.run()
            counters = loop.counters
        }
        stepCount += 1
    }

    /// A fresh random latent (the 'r' key); the picture jumps, as a reseed should.
    public func reseed() {
        worker?.wait()
        loop.reseed()
        restartFromLoop()
        restartWorker()
    }

    /// Restarts from a given latent (a paired lamp follows another's start this way).
    public func restart(from latent: [Float]) {
        worker?.wait()
        loop.reset(to: latent)
        restartFromLoop()
        restartWorker()
    }

    private func restartWorker() {
        counters = loop.counters
        guard let worker else { return }
        stepper.target(after: toFrame, latent: next, frame: nextFrame)
        worker.start()
    }

    private func restartFromLoop() {
        from.baseAddress!.update(from: loop.latent.baseAddress!, count: dim)
        model.generator.forward(latent: from.baseAddress!, frame: fromFrame.baseAddress!)
        loop.step()
        to.baseAddress!.update(from: loop.latent.baseAddress!, count: dim)
        model.generator.forward(latent: to.baseAddress!, frame: toFrame.baseAddress!)
    }

    /// Renders the display frame at `phase` ∈ [0,1) of the current interval into `frame` and `rgb`.
    public func render(phase: Float) {
        let t = Swift.min(Swift.max(phase, 0), 1)
        if t == 0 {
            frame.baseAddress!.update(from: fromFrame.baseAddress!, count: frameValueCount)
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
