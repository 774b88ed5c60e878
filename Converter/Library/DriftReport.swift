import DuralavaMeasure
import DuralavaRuntime

/// How far an int8 lamp drifts from the float lamp it was quantized from (docs/int8.md,
/// the drift report): (a) per-layer and whole-frame error on the same latents, (b) the one-step
/// latent error of the RNN from the same latent and noise, (c) paired free-running rollouts
/// from the same start and the same noise, (d) each lamp's own endurance figures.
public struct DriftReport {
    public struct Settings {
        /// Latents (from the float loop) on which frames and layers are compared.
        public var latents = 1000
        /// Paired rollouts and their length in steps.
        public var rollouts = 16
        public var rolloutSteps = 2000
        /// RMS latent distance at which two lamps have parted (two independent unit-variance
        /// latents are √2 ≈ 1.41 apart).
        public var partingDistance = 1.0
        /// Endurance steps per lamp (and windows, frames rendered per window).
        public var endurance = EnduranceSettings()
        public var seed: UInt64 = 1
        /// Rollout steps shown in the frame strip.
        public var stripSteps = [1, 10, 25, 50, 100, 200, 400, 800]
        /// The classifier two-sample test, int8 frames against float frames (nil: skip).
        public var twoSample: LampTwoSample.Settings? = LampTwoSample.Settings()
        public init() {}
    }

    /// int8 − float pixel error (8-bit levels) of one colour channel over the pixels whose
    /// float value lies in one brightness band: a bias that depends on brightness is what a
    /// classifier picks up even at a high PSNR (docs/int8.md).
    public struct BrightnessBand {
        public var channel: Int
        /// The band's 8-bit levels of the float frame.
        public var levels: ClosedRange<Int>
        public var pixels: Int
        public var mean: Double
        public var spread: Double
    }
    /// Bands of 32 levels (8 a channel).
    public static let bandWidth = 32

    public struct LayerRow {
        public var name: String
        /// 10·log10(Σ float² / Σ (float − int8)²) over all compared latents.
        public var sqnr: Double
        public var maximumAbsoluteError: Double
    }

    /// One lamp's endurance figures.
    public struct LampFigures {
        public var endurance: EnduranceResult
        /// Per-step change of the 8-bit frames (mean absolute, 0–1) over every window's rendered frames.
        public var change: Distribution
        public var longestFrozenRun: Int
        public var nearFrozenFraction: Double
        public var stalls: Int, cycles: Int
        public var rawStd: Distribution
    }

    public let settings: Settings
    public let floatPath: String, int8Path: String
    public let scheme: String
    public let frameWidth: Int
    public var frameSNR: Distribution          // frame PSNR in dB, per latent
    public var frameMaximumAbsolute: Double        // in 8-bit levels
    public var layers: [LayerRow]
    /// Channel-major: red bands dark to bright, then green, then blue.
    public var brightnessBands: [BrightnessBand] = []
    public var oneStep: Distribution           // RMS latent error after renormalization
    public var rnnOutputLayers: [LayerRow]
    /// Median and 90th percentile over rollouts of the RMS latent distance at each step.
    public var distanceMedian: [Double], distanceP90: [Double]
    /// Step at which each rollout pair first parted (rolloutSteps + 1 when it never did).
    public var partingSteps: [Int]
    /// RMS latent distance of each pair at the last rollout step.
    public var finalDistances: [Double] = []
    public var floatLamp: LampFigures?, int8Lamp: LampFigures?
    public var frozenFloor: Double = 0
    /// (e) Can a classifier tell the int8 lamp's frames from the float lamp's?
    public var twoSample: LampTwoSample?
    /// Frames float | int8 of the first rollout at `stripSteps` (8-bit RGB).
    public var strip: [(step: Int, float: [UInt8], int8: [UInt8])] = []
    public var seconds: [(String, Double)] = []

    public static func measure(float: LampModel, int8: LampModel, settings s: Settings,
                               progress: (String) -> Void = { _ in }) throws(ConversionError) -> DriftReport {
        guard case .float(let fg) = float.generator, case .float(let fr) = float.rnn else {
            throw ConversionError(float.path, "is not a float model (metadata \"kind\" = \"\(float.kind.rawValue)\")")
        }
        guard case .int8(let qg) = int8.generator, case .int8(let qr) = int8.rnn else {
            throw ConversionError(int8.path, "is not an int8 model (metadata \"kind\" = \"\(int8.kind.rawValue)\")")
        }
        var fc = float.config, qc = int8.config
        fc.kind = .float; qc.kind = .float
        guard fc == qc else {
            throw ConversionError(int8.path, "has another architecture than \(float.path) (compare an int8 model with its own float source)")
        }
        let c = float.config, dim = c.latentDim
        var report = DriftReport(settings: s, floatPath: float.path, int8Path: int8.path,
                                 scheme: int8.metadata[ModelSchema.Key.quantizationScheme] ?? "unknown", frameWidth: c.frameWidth,
                                 frameSNR: Distribution([Double]()), frameMaximumAbsolute: 0, layers: [],
                                 oneStep: Distribution([Double]()), rnnOutputLayers: [],
                                 distanceMedian: [], distanceP90: [], partingSteps: [])
        var t0 = monotonicSeconds()
        func lap(_ name: String) { let t = monotonicSeconds(); report.seconds.append((name, t - t0)); t0 = t }

        // Latents and noise the float lamp actually visits.
        progress("same latents: \(s.latents) latents from the float loop")
        let source = LatentLoop(rnn: float.rnn, seed: s.seed &+ 77, startLatents: float.startLatents)
        var latents: [[Float]] = []
        for i in 0..<(s.latents * 3) { source.step(); if i % 3 == 2 { latents.append(source.latentArray) } }
        var random = RandomSource(seed: s.seed &+ 99)

        // (a) generator layers and frames.
        let n = c.frameHeight * c.frameWidth * 3
        var floatFrame = [Float](repeating: 0, count: n)
        var signal = [Double](repeating: 0, count: fg.layers.count), noise = signal, maxErr = signal
        var floatOutputs = fg.layers.map { [Float](repeating: 0, count: $0.geometry.outputCount) }
        var psnr: [Double] = []
        var frameMax = 0.0
        let bands = 256 / bandWidth
        var bandCount = [Int](repeating: 0, count: 3 * bands), bandSum = [Double](repeating: 0, count: 3 * bands), bandSquares = bandSum
        for z in latents {
            z.withUnsafeBufferPointer { zb in
                floatFrame.withUnsafeMutableBufferPointer { f in
                    fg.forward(latent: zb.baseAddress!, frame: f.baseAddress!) { i, out in
                        for k in 0..<out.count { floatOutputs[i][k] = out[k] }
                    }
                }
                qg.forward(latent: zb.baseAddress!, logits: true) { i, out in
                    for k in 0..<out.count {
                        let a = Double(floatOutputs[i][k]), e = a - Double(out.value(k))
                        signal[i] += a * a; noise[i] += e * e; maxErr[i] = Swift.max(maxErr[i], e.magnitude)
                    }
                }
            }
            var mse = 0.0
            for k in 0..<n {
                let e = Double(floatFrame[k]) * 255 - Double(qg.pixels[k])
                mse += e * e; frameMax = Swift.max(frameMax, e.magnitude)
                // The float pixel as the screen shows it, and the int8 lamp's difference from it.
                let shown = Swift.min(255, Swift.max(0, Int((Double(floatFrame[k]) * 255).rounded())))
                let b = (k % 3) * bands + shown / bandWidth, d = Double(Int(qg.pixels[k]) - shown)
                bandCount[b] += 1; bandSum[b] += d; bandSquares[b] += d * d
            }
            mse /= Double(n) * 255 * 255
            psnr.append(mse > 0 ? 10 * log10(1 / mse) : 99)
        }
        report.brightnessBands = (0..<(3 * bands)).map { b in
            let n = Double(Swift.max(bandCount[b], 1)), mean = bandSum[b] / n
            return BrightnessBand(channel: b / bands, levels: (b % bands) * bandWidth...((b % bands) + 1) * bandWidth - 1,
                                  pixels: bandCount[b], mean: mean, spread: Swift.max(0, bandSquares[b] / n - mean * mean).squareRoot())
        }
        report.frameSNR = Distribution(psnr)
        report.frameMaximumAbsolute = frameMax
        report.layers = (0..<fg.layers.count).map { i in
            LayerRow(name: i == fg.layers.count - 1 ? "generator.tconv\(i) (logits)" : "generator.tconv\(i)",
                     sqnr: noise[i] > 0 ? 10 * log10(signal[i] / noise[i]) : 99, maximumAbsoluteError: maxErr[i])
        }
        lap("same latents")

        // (b) one RNN step from the same latent and noise.
        progress("one step: \(latents.count) latents, same noise")
        var noiseValues = [Float](repeating: 0, count: Swift.max(c.rnnNoiseDim, 1))
        var yf = [Float](repeating: 0, count: dim), yq = yf
        var rnnSignal = [Double](repeating: 0, count: fr.layers.count), rnnNoise = rnnSignal, rnnMax = rnnSignal
        var floatRNNOut = fr.layers.map { [Float](repeating: 0, count: $0.outputCount) }
        var errors: [Double] = []
        for z in latents {
            noiseValues.withUnsafeMutableBufferPointer { random.fillGaussian($0) }
            z.withUnsafeBufferPointer { zb in
                noiseValues.withUnsafeBufferPointer { nb in
                    yf.withUnsafeMutableBufferPointer { y in
                        fr.step(zb.baseAddress!, noise: nb.baseAddress!, into: y.baseAddress!) { j, out in
                            if j >= 0 { for k in 0..<out.count { floatRNNOut[j][k] = out[k] } }
                        }
                        renormalize(y.baseAddress!, count: dim)
                    }
                    yq.withUnsafeMutableBufferPointer { y in
                        qr.step(zb.baseAddress!, noise: nb.baseAddress!, into: y.baseAddress!) { j, out in
                            let q = qr.layers[j].stage.output
                            for k in 0..<out.count {
                                let a = Double(floatRNNOut[j][k]), e = a - Double(q.dequantize(out[k]))
                                rnnSignal[j] += a * a; rnnNoise[j] += e * e; rnnMax[j] = Swift.max(rnnMax[j], e.magnitude)
                            }
                        }
                        renormalize(y.baseAddress!, count: dim)
                    }
                }
            }
            var e = 0.0
            for k in 0..<dim { let d = Double(yf[k] - yq[k]); e += d * d }
            errors.append((e / Double(dim)).squareRoot())
        }
        report.oneStep = Distribution(errors)
        report.rnnOutputLayers = (0..<fr.layers.count).map { j in
            LayerRow(name: "rnn.dense\(j)", sqnr: rnnNoise[j] > 0 ? 10 * log10(rnnSignal[j] / rnnNoise[j]) : 99,
                     maximumAbsoluteError: rnnMax[j])
        }
        lap("one step")

        // (c) paired rollouts.
        progress("paired rollouts: \(s.rollouts) × \(s.rolloutSteps) steps, same start and noise")
        var distances = [[Double]](repeating: [], count: s.rolloutSteps)
        let starts = float.startLatents.count / dim
        var fFrame = [Float](repeating: 0, count: n), qFrame = fFrame
        for r in 0..<s.rollouts {
            let seed = s.seed &+ 1000 &+ UInt64(r)
            let lf = LatentLoop(rnn: float.rnn, seed: seed, startLatents: float.startLatents)
            let lq = LatentLoop(rnn: int8.rnn, seed: seed, startLatents: int8.startLatents)
            let start = starts > 0 ? Array(float.startLatents[(r % starts) * dim..<((r % starts) + 1) * dim]) : lf.latentArray
            lf.reset(to: start); lq.reset(to: start)
            var parted = s.rolloutSteps + 1
            for t in 0..<s.rolloutSteps {
                lf.step(); lq.step()
                var d = 0.0
                for k in 0..<dim { let e = Double(lf.latent[k] - lq.latent[k]); d += e * e }
                d = (d / Double(dim)).squareRoot()
                distances[t].append(d)
                if d > s.partingDistance && parted > s.rolloutSteps { parted = t + 1 }
                if r == 0 && s.stripSteps.contains(t + 1) {
                    fFrame.withUnsafeMutableBufferPointer { float.generator.forward(latent: lf.latent.baseAddress!, frame: $0.baseAddress!) }
                    qFrame.withUnsafeMutableBufferPointer { int8.generator.forward(latent: lq.latent.baseAddress!, frame: $0.baseAddress!) }
                    report.strip.append((t + 1, toRGB(fFrame), toRGB(qFrame)))
                }
            }
            report.partingSteps.append(parted)
            report.finalDistances.append(distances[s.rolloutSteps - 1].last ?? 0)
        }
        report.distanceMedian = distances.map { Distribution.quantile($0, 0.5) }
        report.distanceP90 = distances.map { Distribution.quantile($0, 0.9) }
        lap("paired rollouts")

        // (d) each lamp's endurance.
        if s.endurance.steps > 0 {
            progress("endurance: float lamp, \(NumberFormat.count(s.endurance.steps)) steps")
            let (fr, fchange) = endurance(float, s, progress: progress)
            let median = fchange.distribution.median
            report.frozenFloor = median > 0 ? 0.1 * median : 1e-4
            report.floatLamp = LampFigures(fr, fchange, floor: report.frozenFloor)
            lap("endurance float")
            progress("endurance: int8 lamp, \(NumberFormat.count(s.endurance.steps)) steps")
            let (qr, qchange) = endurance(int8, s, progress: progress)
            report.int8Lamp = LampFigures(qr, qchange, floor: report.frozenFloor)
            lap("endurance int8")
        }

        // (e) the classifier two-sample test.
        if let t = s.twoSample {
            report.twoSample = LampTwoSample(int8, float, settings: t) { progress("two-sample: " + $0) }
            lap("two-sample test")
        }
        return report
    }

    /// Runs one lamp's endurance; the frame change pools every window's rendered frames.
    private static func endurance(_ model: LampModel, _ s: Settings, progress: (String) -> Void) -> (EnduranceResult, FrameChange) {
        var all = FrameSet(width: model.config.frameWidth, height: model.config.frameHeight)
        // On 8-bit pixels, what the screen shows: the int8 lamp's frames are 8-bit already.
        let result = Endurance.run(LampRun(model: model, seed: s.seed &+ 5), settings: s.endurance,
                                       analyse: { _, frames in all.append(frames.asDisplayed()) }, progress: progress)
        return (result, FrameChange(all))
    }

    /// The int8 lamp's median frame change over the float lamp's.
    public var motionRatio: Double? {
        guard let f = floatLamp, let q = int8Lamp, f.change.median > 0 else { return nil }
        return q.change.median / f.change.median
    }
}

extension DriftReport.LampFigures {
    init(_ result: EnduranceResult, _ change: FrameChange, floor: Double) {
        self.init(endurance: result, change: change.distribution, longestFrozenRun: change.longestFrozenRun(floor: floor),
                  nearFrozenFraction: change.nearFrozenFraction(floor: floor),
                  stalls: result.windows.reduce(0) { $0 + $1.stalls }, cycles: result.windows.reduce(0) { $0 + $1.cycles },
                  rawStd: Distribution(result.windows.map { $0.raw.std }))
    }
}

func toRGB(_ frame: [Float]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: frame.count)
    frame.withUnsafeBufferPointer { f in out.withUnsafeMutableBufferPointer { quantizeFrame(f.baseAddress!, count: f.count, into: $0.baseAddress!) } }
    return out
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
