import ArgumentParser
import CLIOptions
import DuralavaKernels
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `duralava bench`: what a frame and a model step of this model cost on this machine, with
/// the optimized kernels, the reference ones or both (one thread). Timed on the lamp's own
/// latents (a warmed-up run of the loop), best and median of N.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the model's frame and step on this machine (one thread).",
        discussion: """
            Prints the generator's time per frame (and its GFLOP/s), the latent loop's step and a full \
            lamp step (loop + frame). DURALAVA_SIMD=portable|avx2 lowers the vector instructions used. \
            --dump DIR writes the first latent (latent.f32) and its frame (frame.f32, H×W×3 floats in \
            [0,1], channels last) for comparing with another engine (Benchmarks/peer).
            """)

    @OptionGroup var modelOption: ModelOption

    @Option(name: .long, help: "Timed repetitions of each measurement.")
    var frames: Int = 300

    @OptionGroup var seedOption: SeedOption

    @Option(name: .long, help: "Kernels: optimized, reference or both.")
    var kernels: String = "optimized"

    @Flag(name: .long, help: "One JSON object per kernel set on stdout instead of the table.")
    var json = false

    @Option(name: .long, help: "Directory for latent.f32 and frame.f32 of the first latent.")
    var dump: String?

    func validate() throws {
        try PathOptions.check([("dump", dump)])
        try OptionRanges.benchFrames.check(frames)
        guard kernels == "both" || KernelSet(rawValue: kernels) != nil else {
            throw ValidationError("--kernels must be one of: optimized, reference, both")
        }
    }

    var model: String? { modelOption.model }
    var seed: UInt64 { seedOption.seed }

    func run() throws {
        let path = ModelLookup.resolve(explicit: model)
        let lamp: LampModel
        do { lamp = try LampModel(path: path) } catch { Duralava.fail("\(error)") }
        let sets: [KernelSet] = kernels == "both" ? [.reference, .optimized] : [KernelSet(rawValue: kernels)!]
        var results: [BenchResult] = []
        for set in sets {
            lamp.generator.kernels = set
            lamp.rnn.kernels = set
            results.append(BenchResult.measure(lamp, path: path, kernels: set, repetitions: frames, seed: seed))
        }
        if let dump { writeDump(lamp, to: dump) }
        if json {
            for r in results { print(r.json) }
        } else {
            print("model: \(path) (\(lamp.kindDescription))")
            print("cpu: \(cpuModel()), one thread; optimized kernels use \(KernelSet.vectorLevel)")
            for r in results { print(r.table) }
            if results.count == 2 {
                let speedup = results[0].generator.median / results[1].generator.median
                print("optimized generator: \(NumberFormat.fixed(speedup, 2))x the reference kernels' speed (medians)")
            }
        }
    }

    private func writeDump(_ lamp: LampModel, to dir: String) {
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            Duralava.fail("\(dir): cannot create directory (\(String(cString: strerror(errno))))")
        }
        lamp.generator.kernels = .optimized
        lamp.rnn.kernels = .optimized
        let loop = LatentLoop(rnn: lamp.rnn, seed: seed, startLatents: lamp.startLatents)
        for _ in 0..<20 { loop.step() }
        let latent = loop.latentArray
        let frame = lamp.generator.frame(for: latent)
        do {
            try writeFileAtomically(dir + "/latent.f32", [littleEndianBytes(latent)])
            try writeFileAtomically(dir + "/frame.f32", [littleEndianBytes(frame)])
        } catch { Duralava.fail("\(error)") }
    }
}

/// Best and median of a set of timings, in seconds.
struct Timing {
    let best: Double, median: Double
    init(_ samples: [Double]) {
        let s = samples.sorted()
        best = s[0]; median = s[s.count / 2]
    }
}

struct BenchResult {
    let path: String, kind: String, kernels: KernelSet, multiplyAdds: Int
    let generator: Timing, loopStep: Timing, lampStep: Timing

    static func measure(_ lamp: LampModel, path: String, kernels: KernelSet, repetitions n: Int, seed: UInt64) -> BenchResult {
        let animator = LampAnimator(model: lamp, seed: seed, between: .latent)
        for _ in 0..<20 { animator.advance() }
        // The lamp's own latents, so that the timed work is the work a running lamp does.
        var latents: [[Float]] = []
        for _ in 0..<Swift.min(n, 64) { animator.advance(); latents.append(animator.loop.latentArray) }
        let frame = UnsafeMutableBufferPointer<Float>.allocate(capacity: lamp.generator.frameValueCount)
        defer { frame.deallocate() }
        func time(_ body: (Int) -> Void) -> Timing {
            for i in 0..<Swift.min(n, 10) { body(i) }     // warm caches and branch predictors
            var samples = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let t0 = monotonicSeconds()
                body(i)
                samples[i] = monotonicSeconds() - t0
            }
            return Timing(samples)
        }
        let generator = time { i in
            latents[i % latents.count].withUnsafeBufferPointer { lamp.generator.forward(latent: $0.baseAddress!, frame: frame.baseAddress!) }
        }
        let loop = LatentLoop(rnn: lamp.rnn, seed: seed, startLatents: lamp.startLatents)
        let loopStep = time { _ in loop.step() }
        let lampStep = time { _ in animator.advance() }
        return BenchResult(path: path, kind: lamp.kind.rawValue, kernels: kernels, multiplyAdds: lamp.generator.multiplyAdds,
                           generator: generator, loopStep: loopStep, lampStep: lampStep)
    }

    var gflops: Double { 2 * Double(multiplyAdds) / generator.median / 1e9 }

    var table: String {
        func ms(_ t: Double) -> String { NumberFormat.fixed(t * 1e3, 3) + " ms" }
        let label = kernels == .optimized ? "optimized (\(KernelSet.vectorLevel))" : "reference"
        return """
            \(label) kernels:
              generator frame   best \(ms(generator.best))  median \(ms(generator.median))  \(NumberFormat.fixed(gflops, 1)) G\(kind == "int8" ? "OP" : "FLOP")/s (\(multiplyAdds / 1000) k multiply-adds)
              latent loop step  best \(NumberFormat.fixed(loopStep.best * 1e6, 1)) µs  median \(NumberFormat.fixed(loopStep.median * 1e6, 1)) µs
              lamp step         best \(ms(lampStep.best))  median \(ms(lampStep.median))  (loop step + frame + guards)
            """
    }

    var json: String {
        func n(_ x: Double) -> String { NumberFormat.fixed(x, 6) }
        return "{\"model\": \(jsonQuoted(path)), \"kind\": \"\(kind)\", \"kernels\": \"\(kernels.rawValue)\", "
            + "\"simd\": \"\(KernelSet.vectorLevel)\", \"multiply_adds\": \(multiplyAdds), "
            + "\"generator_ms_best\": \(n(generator.best * 1e3)), \"generator_ms_median\": \(n(generator.median * 1e3)), "
            + "\"step_ms_best\": \(n(lampStep.best * 1e3)), \"step_ms_median\": \(n(lampStep.median * 1e3)), "
            + "\"loop_step_us_median\": \(n(loopStep.median * 1e6)), \"gflops\": \(n(gflops))}"
    }
}


/// The CPU's model name from /proc/cpuinfo ("unknown" elsewhere). Read with fgets: /proc
/// files report a size of 0.
func cpuModel() -> String {
    guard let f = fopen("/proc/cpuinfo", "r") else { return "unknown" }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") else { continue }
        return String(text[text.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }).prefix(while: { $0 != "\n" }))
    }
    return "unknown"
}
