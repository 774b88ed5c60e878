import ArgumentParser
import CLIOptions
import DuralavaRuntime
import LampDisplay
import LampOutput
#if canImport(Glibc)
import Glibc
#endif

/// `duralava compare`: two lamps side by side — typically a float model and its int8
/// quantization — stepped from the same start with the same noise, so a person can watch
/// whether and when they part. In a window, or headless into an animated PNG.
struct CompareLamps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two lamps side by side (e.g. float | int8) from the same start and noise. Keys as for run; r reseeds both.")

    @Option(name: .customLong("float"), help: "Left lamp (usually the float model).")
    var left: String

    @Option(name: .customLong("int8"), help: "Right lamp (usually its int8 quantization).")
    var right: String

    @OptionGroup var rateOption: RateOption
    @OptionGroup var seedOption: SeedOption

    @OptionGroup var window: WindowOptions

    @Option(name: .long, help: "Headless: write this many model steps to --out instead of opening a window.")
    var steps: Int = 0

    @Option(name: .long, help: "Headless output (an animated PNG).")
    var out: String?

    @Option(name: .long, help: "Headless: integer upscaling of the frames.")
    var scale: Int = 3

    @Flag(name: .long, help: "Replace --out even when it holds a trained model.")
    var force = false

    func validate() throws {
        try PathOptions.check([("float", left), ("int8", right), ("out", out)])
        try OptionRanges.compareScale.check(scale)
        try OptionRanges.compareSteps.check(steps)
        guard (steps > 0) == (out != nil) else { throw ValidationError("--steps and --out go together (headless), or neither (window)") }
    }

    var rate: Double { rateOption.rate }
    /// The seed of the shared start and noise.
    var seed: UInt64 { seedOption.seed }

    func run() throws {
        if let out {
            OutputPreflight.file(out, inputs: [("float", left), ("int8", right)], force: force)
            removeTemporariesOnSignals()
        }
        let pair = LampPair(left: load(left), right: load(right), seed: seed)
        printError("duralava: left \(left) (\(pair.left.model.kindDescription)), right \(right) (\(pair.right.model.kindDescription))")
        if let out {
            var sink: FrameSink? = nil
            do {
                sink = try FrameSink(path: out, frameWidth: pair.width, frameHeight: pair.height, scale: scale, frameCount: steps,
                                     delay: APNGWriter.frameDelay(framesPerSecond: rate))
                try FrameSink.record(pair, steps: steps, into: sink)
                try sink?.finish()
            } catch {
                sink?.abandon()
                Duralava.fail("\(error)")
            }
            print("wrote \(out) (APNG, \(steps) frames, left | right, \(pair.width * scale)x\(pair.height * scale)); latent distance at the end \(pair.distance)")
            return
        }
        let display = window.open(frameWidth: pair.width, frameHeight: pair.height)
        defer { display.close() }
        DisplayLoop.run(display, rate: rate, fps: window.fps, duration: window.duration, width: pair.width, height: pair.height,
                        controls: window.controls, advance: { pair.advance() },
                        render: { pair.render(phase: $0) }, frame: { pair.rgb }, reseed: { pair.reseed() }, screenshot: {})
        report(pair)
    }

    private func load(_ path: String) -> LampModel {
        do { return try LampModel(path: path) } catch { Duralava.fail("\(error)") }
    }

    private func report(_ pair: LampPair) {
        printError("duralava: \(pair.left.stepCount) steps; RMS latent distance now \(pair.distance)")
    }
}

/// Two animators stepped in lockstep from the same latent with the same noise, and their
/// frames composed side by side (a dark gap between) into one RGB buffer.
final class LampPair: RecordableLamp {
    let left: LampAnimator, right: LampAnimator
    let width: Int, height: Int
    let rgb: UnsafeMutableBufferPointer<UInt8>
    private let gap: Int

    init(left l: LampModel, right r: LampModel, seed: UInt64) {
        guard l.config.frameWidth == r.config.frameWidth, l.config.frameHeight == r.config.frameHeight,
              l.config.latentDim == r.config.latentDim else {
            Duralava.fail("\(r.path): frame \(r.config.frameWidth)x\(r.config.frameHeight), latent \(r.config.latentDim) differ from \(l.path)'s; compare a model with its own quantization")
        }
        left = LampAnimator(model: l, seed: seed, between: .latent)
        right = LampAnimator(model: r, seed: seed, between: .latent)
        gap = Swift.max(2, l.config.frameWidth / 16)
        width = 2 * l.config.frameWidth + gap; height = l.config.frameHeight
        rgb = .allocate(capacity: width * height * 3)
        rgb.initialize(repeating: 0)
        reseed()
    }

    deinit { rgb.deallocate() }

    /// A fresh shared start: the left lamp reseeds, the right one follows its latent.
    func reseed() {
        left.loop.reseed()
        let start = left.loop.latentArray
        left.restart(from: start)
        right.restart(from: start)
    }

    func advance() { left.advance(); right.advance() }

    func render(phase: Float) {
        left.render(phase: phase); right.render(phase: phase)
        let w = left.width, rowBytes = 3 * w
        for y in 0..<height {
            let row = rgb.baseAddress! + y * width * 3
            row.update(from: left.rgb.baseAddress! + y * rowBytes, count: rowBytes)
            (row + 3 * (w + gap)).update(from: right.rgb.baseAddress! + y * rowBytes, count: rowBytes)
        }
    }

    /// RMS distance between the two latents.
    var distance: Float {
        var d: Float = 0
        for i in 0..<left.loop.latent.count { let e = left.loop.latent[i] - right.loop.latent[i]; d += e * e }
        return (d / Float(left.loop.latent.count)).squareRoot()
    }
}
