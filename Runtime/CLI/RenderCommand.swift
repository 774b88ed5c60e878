import ArgumentParser
import CLIOptions
import DuralavaRuntime
import LampOutput
#if canImport(Glibc)
import Glibc
#endif

/// `duralava render`: the lamp to an animated PNG (or numbered PNG frames), headless.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the lamp to an animated PNG that loops forever, or to numbered PNG frames.",
        discussion: "--out ending in / (or naming a directory) writes DIR/frame-000000.png, ...")

    @OptionGroup var lamp: LampOptions

    @Option(name: .long, help: "Model steps to render.")
    var steps: Int = 120

    @Option(name: .long, help: "Output: an .png/.apng file (animated), or a directory ending in /.")
    var out: String = "lamp.png"

    @Option(name: .long, help: "Display frames added between model steps.")
    var between: Int = 0

    @Option(name: .long, help: "Scale each frame up by this integer factor (nearest neighbour).")
    var scale: Int = 1

    @Option(name: .long, help: "zlib level of the PNG frames: 1 fastest ... 9 smallest.")
    var compression: Int = 1

    @Flag(name: .long, help: "Generate every frame but write none (soak tests, timing); --out is ignored.")
    var discard = false

    @Flag(name: .long, help: "Replace --out even when it holds a trained model.")
    var force = false

    func validate() throws {
        try PathOptions.check([("out", out)])
        try OptionRanges.renderSteps.check(steps)
        try OptionRanges.between.check(between)
        try OptionRanges.renderScale.check(scale)
        try OptionRanges.compression.check(compression)
        let frames = steps * (between + 1)
        if !discard && frames > 100_000_000 {
            throw ValidationError("--steps \(steps) × (--between \(between) + 1) = \(frames) frames, above 10^8: "
                                  + "an APNG counts its frames in 32 bits and this would be terabytes (or use --discard)")
        }
    }

    func run() throws {
        let modelPath = ModelLookup.resolve(explicit: lamp.model)
        let toDirectory = !discard && RenderOutput.writesFrames(out)
        // The output is checked (and a missing folder created, RenderOutput: the board build's
        // rule too) before the model is loaded and a frame rendered; a signal removes the file
        // being written (docs/reliability.md#outputs).
        if !discard {
            do throws(FileError) {
                for note in try RenderOutput.prepare(out, inputs: [("model", modelPath)], force: force) { printError("duralava: " + note) }
            } catch { Duralava.fail(error.description) }
        }
        removeTemporariesOnSignals()
        let animator = lamp.loadAnimator()
        let frames = steps * (between + 1)
        let w = animator.width * scale, h = animator.height * scale
        var sink: FrameSink? = nil
        var watch = GuardWatch()
        var frameWatch = FrameWatch(model: modelPath, linePrefix: "\n")
        do {
            if !discard {
                sink = try FrameSink(path: out, frameWidth: animator.width, frameHeight: animator.height, scale: scale, frameCount: frames,
                                     delay: APNGWriter.frameDelay(framesPerSecond: lamp.rate * Double(between + 1)),
                                     compression: Int32(compression), toDirectory: toDirectory)
            }
            var progress = Progress(total: frames)
            try FrameSink.record(animator, steps: steps, between: between, into: sink, frameDone: { index in
                frameWatch.check(animator, index: index)
                progress.update(index + 1)
            }, stepDone: { _ in
                if watch.shouldWarn(animator.loop.counters) {
                    progress.interrupt()
                    printError(watch.warning(model: modelPath, counters: animator.loop.counters))
                }
            })
            try sink?.finish()
        } catch {
            // exit() skips deinit: remove the partial animation here, or a full disk stays full.
            sink?.abandon()
            Duralava.fail("\(error)")
        }
        frameWatch.summarize()
        progress(frames: frames, w: w, h: h, counters: animator.loop.counters)
    }

    private func progress(frames: Int, w: Int, h: Int, counters: GuardCounters) {
        print(discard ? "wrote nothing (--discard): \(frames) frames generated, \(w)x\(h)"
              : RenderOutput.summary(out, frames: frames, width: w, height: h))
        if counters.interventions > 0 { print("guards: \(counters)") }
    }
}

/// A progress line on stderr, at most twice a second, for long renders.
struct Progress {
    let total: Int
    let start = monotonicSeconds()
    var lastPrint = monotonicSeconds()
    var printed = false

    init(total: Int) { self.total = total }

    mutating func update(_ done: Int) {
        let now = monotonicSeconds()
        guard now - lastPrint >= 0.5 || (done == total && printed) else { return }
        lastPrint = now; printed = true
        let rate = Double(done) / Swift.max(now - start, 1e-9)
        let eta = Double(total - done) / Swift.max(rate, 1e-9)
        printError("\rframe \(done)/\(total)  \(Int(rate)) frames/s  ETA \(Int(eta.rounded())) s   ", terminator: "")
        if done == total { printError("") }
    }

    /// Ends the progress line so that a warning gets a line of its own.
    func interrupt() { if printed { printError("") } }
}
