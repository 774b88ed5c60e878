/// One model step with its frame, as a running lamp takes it — the loop's next latent into
/// `latent`, its frame into `frame`, and the frame change from `previousFrame` fed back to the
/// stall guard. `LampAnimator.advance` (on its worker thread when threaded) and the report
/// card's `LampRun` both step this way, so the report card measures what a screen shows.
public final class ModelStep {
    public let loop: LatentLoop
    public let generator: Generator
    private var previousFrame = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    private var latent = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    private var frame = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    public init(loop: LatentLoop, generator: Generator) { self.loop = loop; self.generator = generator }

    /// Where the next run writes (set before each run, never during one).
    public func target(after previousFrame: UnsafeMutableBufferPointer<Float>, latent: UnsafeMutableBufferPointer<Float>,
                frame: UnsafeMutableBufferPointer<Float>) {
        self.previousFrame = previousFrame; self.latent = latent; self.frame = frame
    }

    public func run() {
        loop.step()
        latent.baseAddress!.update(from: loop.latent.baseAddress!, count: latent.count)
        generator.forward(latent: latent.baseAddress!, frame: frame.baseAddress!)
        loop.observeFrameChange(meanAbsoluteDifference(previousFrame.baseAddress!, frame.baseAddress!, count: frame.count))
    }
}
