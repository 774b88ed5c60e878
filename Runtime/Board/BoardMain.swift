// `duralava` for boards: the desktop runtime's run and render with a small hand-written
// argument parser instead of swift-argument-parser (no Foundation), so that the same Runtime
// sources build as Embedded Swift for a Raspberry Pi (firmware-notes/). Everything else —
// kernels, the latent loop and its guards, the window and its loop, PNG output — is the
// shared library code.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaKernels
import DuralavaRuntime
import LampDisplay
import LampOutput

/// A command-line mistake, said in one line.
struct UsageError: Error {
    let message: String
}

/// The options of both commands, as parsed from the command line.
struct BoardOptions {
    var command = "run"
    var model: String?
    var rate = 5.0
    var fps = 30.0
    var blend = BetweenFrames.latent
    var windowed = false
    var seed: UInt64 = 1
    var steps = 120
    var out = "lamp.png"
    var between = 0
    var duration = 0.0
    var renderer = LampRenderer.auto
    var palette = "original"
    var hue = 0.0
    var brightness = 1.0
    var night: String?
    var nightBrightness = 0.2
    var force = false
    var help = false

    /// Options that only `run` reads, and only `render`: given to the other command they are
    /// an error, as in the desktop build (whose render does not know --palette).
    static let runOnly: Set<String> = ["--fps", "--windowed", "--duration", "--renderer", "--palette", "--hue", "--brightness",
                                       "--night", "--night-brightness"]
    static let renderOnly: Set<String> = ["--steps", "--between", "--out", "--force"]

    static let usage = """
        usage: duralava [run|render] [options]

          run      the lamp on the screen (fullscreen; on a console through KMS/DRM)
          render   the lamp to an animated PNG, headless
          selftest the optimized kernels against the reference ones on this machine, at the
                   vector level in use (neon-sdot where the CPU has the dot product, neon, portable)

        options:
          --model PATH        model file (default: $DURALAVA_MODEL, then models/default.safetensors)
          --rate R            model steps per second of lamp time (default 5)
          --seed N            seed of the start and the noise (default 1)
          --blend latent|pixel  in-between frames from the latent (default) or a cross-fade
          --fps F             run: display frames per second (default 30)
          --windowed          run: a window instead of fullscreen
          --duration S        run: quit after S seconds (default 0: never)
          --renderer auto|software|accelerated  run: how the window is drawn (default auto)
          --palette NAME      run: original, ocean, forest, violet, ember, mono (key c cycles)
          --hue DEG           run: hue shift in degrees, added to the palette's
          --brightness B      run: 0.1...1 (keys [ and ])
          --night HH:MM-HH:MM run: a nightly interval (local time) when the lamp dims
          --night-brightness B  run: brightness then, 0...1 (0 blanks the screen; default 0.2)
          --steps N           render: model steps (default 120)
          --between K         render: display frames between steps (default 0)
          --out PATH          render: the animated PNG (default lamp.png), or a directory (DIR/ or an existing one)
                              for numbered PNG frames DIR/frame-000000.png, ...; missing folders are created
          --force             render: replace --out even when it holds a trained model
          --help              this text
        keys (run): Esc/q quit, f fullscreen, space pause, r reseed, + / - speed, c palette, [ / ] brightness
        """

    /// The options of `arguments` (without the program name), or a one-line error.
    static func parse(_ arguments: [String]) throws(UsageError) -> BoardOptions {
        var o = BoardOptions()
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            i += 1
            guard i < arguments.count else { throw usageError("\(name) needs a value") }
            return arguments[i]
        }
        func path(_ name: String) throws(UsageError) -> String {
            let text = try value(name)
            if let problem = OutputCheck.emptyPathProblem(option: String(name.dropFirst(2)), text) { throw usageError(problem) }
            return text
        }
        // The ranges are the desktop's (OptionRanges); the wording is the board's own.
        func number(_ name: String, _ option: OptionRange<Double>) throws(UsageError) -> Double {
            let text = try value(name), range = option.range
            guard let x = Double(text), range.contains(x) else {
                throw usageError("\(name) \(text): expected a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return x
        }
        func integer(_ name: String, _ option: OptionRange<Int>) throws(UsageError) -> Int {
            let text = try value(name), range = option.range
            guard let x = Int(text), range.contains(x) else {
                throw usageError("\(name) \(text): expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return x
        }
        if let first = arguments.first, first == "run" || first == "render" || first == "selftest" { o.command = first; i = 1 }
        while i < arguments.count {
            let a = arguments[i]
            if o.command == "render" && runOnly.contains(a) { throw usageError("\(a) is an option of run, not render") }
            if o.command == "run" && renderOnly.contains(a) { throw usageError("\(a) is an option of render, not run") }
            switch a {
            case "--help", "-h": o.help = true
            case "--model": o.model = try path(a)
            case "--rate": o.rate = try number(a, OptionRanges.rate)
            case "--fps": o.fps = try number(a, OptionRanges.fps)
            case "--duration": o.duration = try number(a, OptionRanges.duration)
            case "--seed":
                let text = try value(a)
                guard let s = UInt64(text) else { throw usageError("--seed \(text): expected a non-negative integer") }
                o.seed = s
            case "--blend":
                let text = try value(a)
                guard let b = BetweenFrames(rawValue: text) else { throw usageError("--blend \(text): expected latent or pixel") }
                o.blend = b
            case "--renderer":
                let text = try value(a)
                guard let r = LampRenderer(rawValue: text) else { throw usageError("--renderer \(text): expected auto, software or accelerated") }
                o.renderer = r
            case "--windowed": o.windowed = true
            case "--palette": o.palette = try value(a)
            case "--hue": o.hue = try number(a, OptionRanges.hue)
            case "--brightness": o.brightness = try number(a, OptionRanges.brightness)
            case "--night": o.night = try value(a)
            case "--night-brightness": o.nightBrightness = try number(a, OptionRanges.nightBrightness)
            case "--steps": o.steps = try integer(a, OptionRanges.renderSteps)
            case "--between": o.between = try integer(a, OptionRanges.between)
            case "--out": o.out = try path(a)
            case "--force": o.force = true
            default: throw usageError("unknown option \(a)")
            }
            i += 1
        }
        // The desktop's limit on render's frames (an APNG counts them in 32 bits), computed in
        // 64 bits: 10^7 steps × 1001 overflows the armhf build's 32-bit Int.
        if o.command == "render" {
            let frames = Int64(o.steps) * Int64(o.between + 1)
            if frames > 100_000_000 {
                throw usageError("--steps \(o.steps) × (--between \(o.between) + 1) = \(frames) frames, above 10^8: "
                                 + "an APNG counts its frames in 32 bits and this would be terabytes")
            }
        }
        // The display options are checked here, for every command, not when a window opens.
        do throws(DisplayError) {
            _ = try LampControls(palette: o.palette, hue: o.hue, brightness: o.brightness, night: o.night, nightBrightness: o.nightBrightness)
        } catch { throw usageError(error.message) }
        return o
    }

    private static func usageError(_ message: String) -> UsageError {
        UsageError(message: message + " (see --help)")
    }
}

/// One-line errors and exit status 1, as the desktop build.
func fail(_ message: String) -> Never {
    exitWithError("duralava", message)
}

func loadAnimator(_ o: BoardOptions, threaded: Bool) -> LampAnimator {
    let path: String
    do throws(FileError) { path = try ModelLookup.find(explicit: o.model) } catch { fail(error.description) }
    let model: LampModel
    do throws(ModelError) { model = try LampModel(path: path) } catch { fail(error.description) }
    printError("duralava: note: \(path): \(model.kindDescription) model")
    return LampAnimator(model: model, seed: o.seed, between: o.blend, threaded: threaded)
}

func render(_ o: BoardOptions) {
    // --out is checked before any work by the desktop's rule (RenderOutput): never the model
    // itself, a trained model only with --force, a directory (or a path ending in /) receives
    // numbered PNG frames, a missing folder is created; a killed earlier render's temporary is
    // swept, this one's removed on a signal.
    let toDirectory = RenderOutput.writesFrames(o.out)
    do throws(FileError) {
        let model = try ModelLookup.find(explicit: o.model)
        for note in try RenderOutput.prepare(o.out, inputs: [("model", model)], force: o.force) { printError("duralava: " + note) }
    } catch { fail(error.description) }
    removeTemporariesOnSignals()
    let animator = loadAnimator(o, threaded: false)
    let frames = o.steps * (o.between + 1)
    var watch = GuardWatch()
    var sink: FrameSink? = nil
    do throws(OutputError) {
        sink = try FrameSink(path: o.out, frameWidth: animator.width, frameHeight: animator.height, frameCount: frames,
                             delay: APNGWriter.frameDelay(framesPerSecond: o.rate * Double(o.between + 1)), compression: 1,
                             toDirectory: toDirectory)
        var lastReport = monotonicSeconds()
        try FrameSink.record(animator, steps: o.steps, between: o.between, into: sink, stepDone: { step in
            if watch.shouldWarn(animator.counters) { printError(watch.warning(model: o.out, counters: animator.counters)) }
            if monotonicSeconds() - lastReport > 1 {
                lastReport = monotonicSeconds()
                printError("step \(step + 1)/\(o.steps)")
            }
        })
        try sink?.finish()
    } catch {
        // exit() skips deinit: remove the partial animation here, or a full disk stays full.
        sink?.abandon()
        fail(error.description)
    }
    print(RenderOutput.summary(o.out, frames: frames, width: animator.width, height: animator.height))
}

func run(_ o: BoardOptions) {
    let controls: LampControls
    do throws(DisplayError) {
        controls = try LampControls(palette: o.palette, hue: o.hue, brightness: o.brightness, night: o.night, nightBrightness: o.nightBrightness)
    } catch { fail(error.message + " (see --help)") }
    let animator = loadAnimator(o, threaded: true)
    let display: LampWindow
    do throws(DisplayError) {
        display = try LampWindow.open(windowed: o.windowed, frameWidth: animator.width, frameHeight: animator.height, renderer: o.renderer)
    } catch { fail(error.message) }
    defer { display.close() }
    var watch = GuardWatch()
    DisplayLoop.run(display, rate: o.rate, fps: o.fps, duration: o.duration, width: animator.width, height: animator.height,
                    controls: controls, advance: {
        animator.advance()
        if watch.shouldWarn(animator.counters) { printError(watch.warning(model: "the lamp", counters: animator.counters)) }
    }, render: { phase in animator.render(phase: phase) }, frame: { animator.rgb },
       reseed: { animator.reseed() }, screenshot: {})
    printError("duralava: \(animator.stepCount) steps; guards: \(animator.counters)")
}

/// The program: main.swift calls it on the desktop; the Embedded build (no CommandLine there)
/// exports it as C's main.
#if hasFeature(Embedded)
@_cdecl("main")
#endif
public func boardMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var arguments: [String] = []
    for k in 1..<Int(argc) { arguments.append(String(cString: argv[k]!)) }
    let options: BoardOptions
    do throws(UsageError) { options = try BoardOptions.parse(arguments) } catch { fail(error.message) }
    if options.help { print(BoardOptions.usage); return 0 }
    switch options.command {
    case "render": render(options)
    case "selftest":
        let result = KernelCheck.selftest()
        for line in result.failureLines { printError(line) }
        print(result.summary)
        return result.status
    default: run(options)
    }
    return 0
}
