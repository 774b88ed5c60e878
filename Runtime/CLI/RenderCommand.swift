import ArgumentParser
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
        try OptionRange.check("steps", steps, 1...10_000_000, "model steps; 10^7 is a day of rendering")
        try OptionRange.check("between", between, 0...1000, "display frames between two model steps")
        try OptionRange.check("scale", scale, 1...32, "an integer upscale; 32x of 64x64 is already 2048x2048")
        try OptionRange.check("compression", compression, 1...9, "a zlib level")
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
        var apng: APNGWriter? = nil
        var watch = GuardWatch()
        var frameWatch = FrameWatch(model: modelPath, linePrefix: "\n")
        do {
            if !toDirectory && !discard {
                let (num, den) = APNGWriter.frameDelay(framesPerSecond: lamp.rate * Double(between + 1))
                apng = try APNGWriter(path: out, width: w, height: h, frameCount: frames,
                                      delayNumerator: num, delayDenominator: den, compression: Int32(compression))
            }
            var scaled = [UInt8](repeating: 0, count: w * h * 3)
            var progress = Progress(total: frames)
            var index = 0
            for _ in 0..<steps {
                for k in 0...between {
                    animator.render(phase: Float(k) / Float(between + 1))
                    frameWatch.check(animator, index: index)
                    if !discard {
                        upscale(animator.rgb, width: animator.width, height: animator.height, scale: scale, into: &scaled)
                    }
                    if let apng {
                        try apng.append(rgb: scaled)
                    } else if toDirectory {
                        try writePNG(path: RenderOutput.framePath(out, index), width: w, height: h, rgb: scaled)
                    }
                    index += 1
                    progress.update(index)
                }
                animator.advance()
                if watch.shouldWarn(animator.loop.counters) {
                    progress.interrupt()
                    printError(watch.warning(model: modelPath, counters: animator.loop.counters))
                }
            }
            try apng?.finish()
        } catch {
            // exit() skips deinit: remove the partial animation here, or a full disk stays full.
            apng?.abandon()
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



func upscale(_ src: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, scale: Int, into dst: inout [UInt8]) {
    if scale == 1 { for i in 0..<src.count { dst[i] = src[i] }; return }
    let ow = width * scale
    for y in 0..<(height * scale) {
        for x in 0..<ow {
            let s = ((y / scale) * width + x / scale) * 3, d = (y * ow + x) * 3
            dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
        }
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
