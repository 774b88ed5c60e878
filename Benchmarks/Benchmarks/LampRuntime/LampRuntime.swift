// package-benchmark suite for the board side: what one display frame and one model step of
// the lamp cost, and that the endless loop allocates nothing. Model: the reference 64x64
// architecture with deterministic random weights (the cost does not depend on the values).
// Allocations: compare each benchmark's malloc count with "Empty body". The int8 rows run the
// same model quantized by the converter (per-layer scales, calibrated on 500 loop steps).
// Rows run the optimized kernels unless they say "reference kernels".

import Benchmark
import DuralavaConverter
import DuralavaRuntime
import LampOutput

let benchmarks: @Sendable () -> Void = {
    let config = ModelConfig.reference()
    let bytes = RandomModel.writer(config: config, seed: 1).serialized()
    let model = try! LampModel(file: try! SafetensorsFile(bytes: bytes, path: "reference"))
    let latent = [Float](repeating: 0.1, count: config.latentDim)
    let frame = UnsafeMutableBufferPointer<Float>.allocate(capacity: model.generator.frameValueCount)
    let quick = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .throughput],
                                        timeUnits: .microseconds, warmupIterations: 5,
                                        maxDuration: .seconds(5), maxIterations: 2000)

    Benchmark("Generator frame 64x64 (27 M multiply-adds)", configuration: quick) { benchmark in
        latent.withUnsafeBufferPointer { z in
            for _ in benchmark.scaledIterations {
                model.generator.forward(latent: z.baseAddress!, frame: frame.baseAddress!)
                blackHole(frame[0])
            }
        }
    }

    // Created once, outside the measured closures: each closure call is one sample.
    let loop = LatentLoop(rnn: model.rnn, seed: 1)
    let animators = BetweenFrames.allCases.map { LampAnimator(model: model, seed: 1, between: $0) }

    Benchmark("Latent loop step (RNN 64-512-512-64 + guards)", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            loop.step()
            blackHole(loop.lastChange)
        }
    }

    for animator in animators {
        Benchmark("Display frame between steps, \(animator.between.rawValue) blend", configuration: quick) { benchmark in
            for _ in benchmark.scaledIterations {
                animator.render(phase: 0.5)
                blackHole(animator.rgb[0])
            }
        }
    }

    Benchmark("APNG frame encode 64x64", configuration: quick) { benchmark in
        let rgb = [UInt8](repeating: 90, count: 64 * 64 * 3)
        for _ in benchmark.scaledIterations { blackHole(encodePNG(width: 64, height: 64, rgb: rgb).count) }
    }

    Benchmark("Model step with its frame (loop step + generator)", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            animators[0].advance()
            blackHole(animators[0].stepCount)
        }
    }

    var settings = Calibration.Settings()
    settings.steps = 500
    let int8Model = try! LampModel(file: try! SafetensorsFile(
        bytes: try! Int8Conversion(model: model, source: try! SafetensorsFile(bytes: bytes, path: "reference"),
                                    calibration: Calibration(model: model, settings: settings), perChannel: false)
            .writer.serialized(), path: "reference-int8"))
    let int8Loop = LatentLoop(rnn: int8Model.rnn, seed: 1)
    let int8Animator = LampAnimator(model: int8Model, seed: 1, between: .latent)

    Benchmark("int8 generator frame 64x64", configuration: quick) { benchmark in
        latent.withUnsafeBufferPointer { z in
            for _ in benchmark.scaledIterations {
                int8Model.generator.forward(latent: z.baseAddress!, frame: frame.baseAddress!)
                blackHole(frame[0])
            }
        }
    }

    Benchmark("int8 latent loop step (RNN + guards)", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            int8Loop.step()
            blackHole(int8Loop.lastChange)
        }
    }

    Benchmark("int8 model step with its frame (loop step + generator)", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            int8Animator.advance()
            blackHole(int8Animator.stepCount)
        }
    }

    // The window's animator: the next step computed on a worker thread while a frame shows.
    let threaded = LampAnimator(model: model, seed: 1, between: .latent, threaded: true)
    Benchmark("Model step with its frame, threaded (worker computes the next)", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            threaded.advance()
            threaded.render(phase: 0.5)
            blackHole(threaded.rgb[0])
        }
    }

    let referenceModel = try! LampModel(file: try! SafetensorsFile(bytes: bytes, path: "reference"))
    referenceModel.generator.kernels = .reference
    let int8Reference = try! LampModel(file: try! SafetensorsFile(
        bytes: try! Int8Conversion(model: model, source: try! SafetensorsFile(bytes: bytes, path: "reference"),
                                    calibration: Calibration(model: model, settings: settings), perChannel: false)
            .writer.serialized(), path: "reference-int8"))
    int8Reference.generator.kernels = .reference
    for (name, m) in [("float", referenceModel), ("int8", int8Reference)] {
        Benchmark("\(name) generator frame 64x64, reference kernels", configuration: quick) { benchmark in
            latent.withUnsafeBufferPointer { z in
                for _ in benchmark.scaledIterations {
                    m.generator.forward(latent: z.baseAddress!, frame: frame.baseAddress!)
                    blackHole(frame[0])
                }
            }
        }
    }

    Benchmark("Empty body", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 100)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(0) }
    }
}
