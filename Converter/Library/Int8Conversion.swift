import DuralavaKernels
import DuralavaRuntime

/// A problem converting a model; the description names the file and what was expected.
public struct ConversionError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(_ path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// Turns a float lamp and its calibration into an int8 model file (FORMAT.md, "int8 models"):
/// BatchNorm folded (by the float loader), weights symmetric int8 with one scale per layer or
/// per output channel, int32 biases at scale s_in·s_w, activations int8 with the calibrated
/// scale and zero point.
public struct Int8Conversion {
    /// How one quantized activation came out, for the converter's summary.
    public struct ActivationRow {
        public let name: String
        public let quantization: ActivationQuantization
        /// The real interval the codes cover.
        public let minimum: Float, maximum: Float
        public let observedMinimum: Float, observedMaximum: Float
        /// Fraction of the calibration values the int8 range clips.
        public let clipped: Double
    }

    public let writer: SafetensorsWriter
    public let activations: [ActivationRow]
    /// Largest fraction of an activation's calibration values the int8 range may clip.
    public static let maximumClipped = 0.01
    /// Beyond ±this logit every pixel is 0 or 255 (255·σ(6.24) rounds to 255), so the logits'
    /// range never needs to reach further.
    public static let saturatedLogit: Float = 6.24
    /// Weights beyond this magnitude are taken for a broken model, not quantized.
    public static let maximumWeight: Float = 1e4

    /// Which hidden generator activations are stored wide (int16 with 13–16-bit codes).
    public enum WideActivations: Hashable, Sendable, CustomStringConvertible {
        /// Every hidden layer.
        case all
        /// The last `n` hidden layers (1: the int8 lamp before 2026-12-05; 2: the fewest `auto` tries).
        case last(Int)
        /// The outputs of these generator layers (0 = tconv0), hidden ones only.
        case layers(Set<Int>)

        /// What a conversion without a choice gets; `quantize` measures its way up from here
        /// (`WideActivationChoice`).
        public static let `default` = WideActivations.last(2)

        /// `all`, `last`, `last2`, or layer numbers separated by commas (`2,3`); nil if none of these.
        public init?(_ text: String) {
            switch text {
            case "all": self = .all
            case "last": self = .last(1)
            case _ where text.hasPrefix("last"):
                guard let n = Int(text.dropFirst(4)), n >= 1 else { return nil }
                self = .last(n)
            default:
                let numbers = text.split(separator: ",").map { Int($0) }
                guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
                self = .layers(Set(numbers.map { $0! }))
            }
        }

        /// The option's spelling: `all`, `lastN`, or layer numbers.
        public var description: String {
            switch self {
            case .all: "all"
            case .last(let n): "last\(n)"
            case .layers(let set): set.sorted().map(String.init).joined(separator: ",")
            }
        }

        func includes(_ layer: Int, of count: Int) -> Bool {
            switch self {
            case .all: true
            case .last(let n): layer >= count - 1 - n
            case .layers(let set): set.contains(layer)
            }
        }
    }

    /// `source` is the file `model` was loaded from: the generator's weights are read from it
    /// folded, in the file's layout (`FloatGenerator.foldedLayer`), rather than unpacked again
    /// from the runtime's panels.
    public init(model: LampModel, source: SafetensorsFile, calibration: Calibration, perChannel: Bool,
                wide: WideActivations = .default) throws(ConversionError) {
        let path = model.path
        guard case .float = model.generator, case .float(let rnn) = model.rnn else {
            throw ConversionError(path, "is already an int8 model (metadata \"kind\" = \"int8\"); quantize its float source instead")
        }
        let steps = Swift.max(1, calibration.loopSteps)
        if calibration.interventions * 100 > steps {
            throw ConversionError(path, "the float lamp's guards intervened on \(calibration.interventions) of \(steps) calibration steps (more than 1 in 100): its loop saturates or stalls, so its activation ranges are not the lamp's; check it with `duralava-train eval` first")
        }
        var w = SafetensorsWriter()
        var rows: [ActivationRow] = []

        func activation(_ name: String, _ observer: RangeObserver, codeBits: Int = 8, logits: Bool = false) throws(ConversionError) -> ActivationQuantization {
            guard observer.count > 0, observer.minimum.isFinite, observer.maximum.isFinite else {
                throw ConversionError(path, "calibration saw no finite values for \(name)")
            }
            // Wide codes are fine enough for the whole observed range: clip nothing. So are the
            // logits' 16-bit sigmoid-table codes (256 times finer than the int8 scale stored);
            // their range is only capped where the sigmoid saturates.
            var (lo, hi) = observer.range(tail: codeBits > 8 || logits ? 0 : calibration.settings.tail)
            if logits { lo = Swift.max(lo, -Self.saturatedLogit); hi = Swift.min(hi, Self.saturatedLogit) }
            let bits = codeBits > 8 ? 16 : 8
            let q = ActivationQuantization(minimum: lo, maximum: hi, bits: bits, codeBits: codeBits)
            let clipped = observer.clippedFraction(q.minimum, q.maximum)
            if clipped > Self.maximumClipped && !logits {
                throw ConversionError(path, "calibration of \(name) saturates: \(clipped * 100)% of its values fall outside the int8 range \(q.minimum)...\(q.maximum) (at most \(Self.maximumClipped * 100)% allowed)")
            }
            rows.append(ActivationRow(name: bits == 16 ? name + " (int16, \(codeBits)-bit)" : name, quantization: q, minimum: q.minimum, maximum: q.maximum, observedMinimum: observer.minimum,
                                      observedMaximum: observer.maximum, clipped: clipped))
            w.add(ModelSchema.scale(of: name), shape: [1], floats: [q.scale])
            w.add(ModelSchema.zeroPoint(of: name), shape: [1], int32s: [q.zeroPoint])
            return q
        }

        /// Writes weight, bias and weight scales of one layer; `channelOf` maps a weight index to its output channel.
        func layer(weightName: String, biasName: String, scaleName: String, shape: [Int], weights: [Float], bias: [Float],
                   channels: Int, input: ActivationQuantization, channelOf: (Int) -> Int) throws(ConversionError) {
            if let bad = weights.firstIndex(where: { !($0.magnitude <= Self.maximumWeight) }) {
                throw ConversionError(path, "tensor \"\(weightName)\" (after BatchNorm folding) holds \(weights[bad]) at element \(bad); weights beyond ±\(Self.maximumWeight) are not a trained lamp")
            }
            let q = WeightQuantization(weights, channels: channels, perChannel: perChannel, channelOf: channelOf)
            var qb = [Int32](repeating: 0, count: channels)
            for c in 0..<channels {
                let s = Double(input.scale) * Double(q.scales[perChannel ? c : 0])
                let v = (Double(bias[c]) / s).rounded()
                guard v.magnitude <= Double(1 << 30) else {
                    throw ConversionError(path, "the bias of \(biasName) channel \(c) (\(bias[c])) does not fit int32 at scale \(s)")
                }
                qb[c] = Int32(v)
            }
            w.add(weightName, shape: shape, int8s: q.values)
            w.add(biasName, shape: [channels], int32s: qb)
            w.add(scaleName, shape: [q.scales.count], floats: q.scales)
        }

        // Generator.
        // Wide activations (16×8 mode) where the lamp is sensitive to int8 rounding and clipping:
        // the latent (per step it moves about as far as one int8 step) and the hidden layers
        // `wide` names, each with as many code bits as its next layer's int32 accumulator allows.
        // With only the last hidden layer wide, the blobs' bright cores, where a few of
        // tconv2's activations reach 3–4 times its 99.9 % quantile, were clipped (green 14–22
        // levels dark), and an exact int8 range there made the frames shimmer ×1.5; the last
        // two wide cost 15 % of the frame time, all of them 50 % (docs/int8.md).
        let layers = model.config.generatorLayers
        var wideNames: [String: Int] = [ModelSchema.Generator.input: 16]
        for i in 0..<(layers.count - 1) where wide.includes(i, of: layers.count) {
            if let bits = ActivationQuantization.widestCodeBits(reduction: layers[i + 1].reduction) { wideNames[ModelSchema.Generator.output(i)] = bits }
        }
        var input = try activation(ModelSchema.Generator.input, calibration.generatorInput, codeBits: 16)
        for i in layers.indices {
            let l: TransposedConv2D
            do throws(ModelError) { l = try FloatGenerator.foldedLayer(i, file: source, config: model.config) } catch {
                throw ConversionError(path, error.message)
            }
            let g = l.geometry
            let cin = g.inputChannels, cout = g.outputChannels
            try layer(weightName: ModelSchema.Generator.weight(i), biasName: ModelSchema.Generator.bias(i),
                      scaleName: ModelSchema.Generator.weightScale(i),
                      shape: [g.kernelHeight, g.kernelWidth, cout, cin], weights: l.weight, bias: l.bias,
                      channels: cout, input: input, channelOf: { ($0 / cin) % cout })
            let name = ModelSchema.Generator.output(i)
            input = try activation(name, calibration.generatorOutputs[i], codeBits: wideNames[name] ?? 8, logits: i == layers.count - 1)
        }
        // RNN.
        input = try activation(ModelSchema.RNN.input, calibration.rnnInput)
        for (j, d) in rnn.layers.enumerated() {
            let cin = d.inputCount
            try layer(weightName: ModelSchema.RNN.weight(j), biasName: ModelSchema.RNN.bias(j),
                      scaleName: ModelSchema.RNN.weightScale(j), shape: [d.outputCount, cin],
                      weights: d.weight, bias: d.bias, channels: d.outputCount, input: input, channelOf: { $0 / cin })
            input = try activation(ModelSchema.RNN.output(j), calibration.rnnOutputs[j])
        }
        if !model.startLatents.isEmpty {
            w.add(ModelSchema.RNN.startLatents, shape: [model.startLatents.count / model.config.latentDim, model.config.latentDim],
                  floats: model.startLatents)
        }
        var config = model.config
        config.kind = .int8
        var meta = model.metadata
        for (k, v) in config.metadata { meta[k] = v }
        meta[ModelSchema.Key.generatorBatchNormEpsilon] = "\(config.batchNormEpsilon)"
        meta[ModelSchema.Key.quantizationScheme] = perChannel ? "per-channel" : "per-layer"
        meta[ModelSchema.Key.quantizationCalibration] = calibration.summary
        meta[ModelSchema.Key.quantizationSource] = baseName(path)
        meta[ModelSchema.Key.quantizationInt16Activations] = wideNames.sorted { $0.key < $1.key }
            .map { $0.value == 16 ? $0.key : "\($0.key):\($0.value)" }.joined(separator: ",")
        w.metadata = meta
        writer = w
        activations = rows
    }
}

/// The last path component.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
