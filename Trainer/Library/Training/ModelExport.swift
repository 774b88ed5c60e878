// Export of a trained generator and latent RNN to the runtime's model file
// (Runtime/FORMAT.md, format version 1, kind float). Both networks are read layer by layer
// and must have the shape FORMAT.md describes; anything else is an ExportError rather
// than a file the runtime would misread. Weights need no permutation: the trainer's
// layouts are the file's ([k, k, out, in] for transposed convolutions, [out, in] for dense).

import DuralavaNN
import DuralavaRuntime

public struct ExportError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "model export \(path): \(message)" }
}

public struct LampExportOptions {
    /// Length of the fresh noise appended to z at every RNN step (0: deterministic).
    public var noiseDim: Int = 0
    /// Whether the RNN output is added to z before renormalisation.
    public var residual: Bool = false
    public var stepSeconds: Float = 0.2
    /// The RNN noise's lag-1 correlation the model was trained with (0: fresh noise every step).
    public var noiseCorrelation: Float = 0
    public var trained: Bool = true
    /// Further metadata, e.g. `provenance.data`, `provenance.steps`, `description`.
    public var extraMetadata: [String: String] = [:]
    public init(noiseDim: Int = 0, residual: Bool = false, stepSeconds: Float = 0.2, trained: Bool = true,
                extraMetadata: [String: String] = [:]) {
        self.noiseDim = noiseDim; self.residual = residual; self.stepSeconds = stepSeconds
        self.trained = trained; self.extraMetadata = extraMetadata
    }
}

public enum LampModelExport {
    /// Writes the model file atomically (temporary file + rename).
    public static func write(generator: Layer, rnn: Layer, to path: String, options: LampExportOptions = LampExportOptions()) throws {
        let writer = try makeWriter(generator: generator, rnn: rnn, options: options, path: path)
        do { try writer.write(to: path) } catch {
            throw ExportError(path: path, message: "cannot write: \(error)")
        }
    }

    /// The file's tensors and metadata, not yet written.
    public static func makeWriter(generator: Layer, rnn: Layer, options: LampExportOptions, path: String = "<memory>") throws -> SafetensorsWriter {
        func fail(_ m: String) -> ExportError { ExportError(path: path, message: m) }
        var w = SafetensorsWriter()

        // Generator: [Reshape] tconv0 [bn0] act0 … tconv{L-1} [bn{L-1}] act{L-1} tconv{L} sigmoid.
        let g = flattenLayers(generator).filter { !($0 is Reshape || $0 is Flatten) }
        var convs: [(TransposedConv2D, BatchNorm?)] = []
        var slopes: [Float] = []
        var epsilons: [Float] = []
        var i = 0
        while i < g.count {
            guard let t = g[i] as? TransposedConv2D else {
                if g[i] is Sigmoid && i == g.count - 1 { break }
                throw fail("generator layer \(i) (\(type(of: g[i]))) is not where FORMAT.md allows it")
            }
            i += 1
            var bn: BatchNorm? = nil
            if i < g.count, let b = g[i] as? BatchNorm { bn = b; epsilons.append(b.epsilon); i += 1 }
            if i < g.count, let a = g[i] as? LeakyReLU { slopes.append(a.slope); i += 1 }
            convs.append((t, bn))
        }
        guard i == g.count - 1, g.last is Sigmoid else { throw fail("the generator must end with a sigmoid") }
        guard convs.count >= 2 else { throw fail("the generator needs at least two transposed convolutions") }
        let L = convs.count - 1
        guard slopes.count == L, Set(slopes).count == 1 else {
            throw fail("every hidden generator layer needs a LeakyReLU with one common slope (found \(slopes))")
        }
        guard convs[L].1 == nil else { throw fail("the last transposed convolution must not be followed by BatchNorm") }
        guard Set(epsilons).count <= 1 else { throw fail("BatchNorm layers use different epsilons \(epsilons)") }
        let t0 = convs[0].0
        guard t0.kernelHeight == t0.strideHeight, t0.kernelWidth == t0.strideWidth else {
            throw fail("tconv0 must have kernel = stride (the base size)")
        }
        let kernel = convs[1].0.kernelHeight
        for (j, (t, _)) in convs.enumerated() where j > 0 {
            guard t.strideHeight == 2, t.strideWidth == 2, t.kernelHeight == kernel, t.kernelWidth == kernel else {
                throw fail("tconv\(j) must have stride 2 and the common kernel \(kernel)")
            }
        }
        for j in 1...L where convs[j].0.inputChannels != convs[j - 1].0.outputChannels {
            throw fail("tconv\(j) takes \(convs[j].0.inputChannels) channels, tconv\(j - 1) gives \(convs[j - 1].0.outputChannels)")
        }
        guard convs[L].0.outputChannels == 3 else { throw fail("the last transposed convolution must output 3 channels") }
        let latentDim = t0.inputChannels
        for (j, (t, bn)) in convs.enumerated() {
            w.add(ModelSchema.Generator.weight(j), shape: t.weight.value.shape, floats: t.weight.value.array)
            if let b = t.bias {
                w.add(ModelSchema.Generator.bias(j), shape: [t.outputChannels], floats: b.value.array)
            } else if j == L {
                w.add(ModelSchema.Generator.bias(j), shape: [t.outputChannels], floats: [Float](repeating: 0, count: t.outputChannels))
            }
            if let bn {
                w.add(ModelSchema.Generator.batchNormGamma(j), shape: [bn.channels], floats: bn.gamma.value.array)
                w.add(ModelSchema.Generator.batchNormBeta(j), shape: [bn.channels], floats: bn.beta.value.array)
                w.add(ModelSchema.Generator.batchNormMean(j), shape: [bn.channels], floats: bn.runningMean.value.array)
                w.add(ModelSchema.Generator.batchNormVariance(j), shape: [bn.channels], floats: bn.runningVariance.value.array)
            }
        }

        // RNN: dense0 act … dense{last} [Renormalize, done by the runtime itself].
        let r = flattenLayers(rnn).filter { !($0 is Renormalize || $0 is Reshape || $0 is Flatten) }
        var denses: [Dense] = []
        var rnnSlopes: [Float] = []
        for (j, layer) in r.enumerated() {
            if let d = layer as? Dense { denses.append(d) } else if let a = layer as? LeakyReLU, j < r.count - 1 {
                rnnSlopes.append(a.slope)
            } else {
                throw fail("RNN layer \(j) (\(type(of: layer))) is not where FORMAT.md allows it")
            }
        }
        guard denses.count >= 1, rnnSlopes.count == denses.count - 1, Set(rnnSlopes).count <= 1 else {
            throw fail("the RNN must alternate dense layers and LeakyReLUs of one slope, ending with a dense layer")
        }
        guard denses[0].inputSize == latentDim + options.noiseDim else {
            throw fail("rnn.dense0 takes \(denses[0].inputSize) inputs; latent \(latentDim) + noise \(options.noiseDim) expected")
        }
        guard denses.last!.outputSize == latentDim else { throw fail("the RNN must output \(latentDim) values") }
        for (j, d) in denses.enumerated() {
            if j > 0, d.inputSize != denses[j - 1].outputSize { throw fail("rnn.dense\(j) input size does not match") }
            w.add(ModelSchema.RNN.weight(j), shape: [d.outputSize, d.inputSize], floats: d.weight.value.array)
            w.add(ModelSchema.RNN.bias(j), shape: [d.outputSize],
                  floats: d.bias?.value.array ?? [Float](repeating: 0, count: d.outputSize))
        }

        let base = t0.kernelHeight
        typealias K = ModelSchema.Key
        var m: [String: String] = [
            K.format: ModelSchema.formatName, K.formatVersion: String(ModelSchema.formatVersion), K.kind: ModelKind.float.rawValue,
            K.latentDim: String(latentDim),
            K.frameHeight: String(base << L), K.frameWidth: String(t0.kernelWidth << L),
            K.generatorBase: "\(t0.kernelHeight)x\(t0.kernelWidth)",
            K.generatorChannels: convs.dropLast().map { String($0.0.outputChannels) }.joined(separator: ","),
            K.generatorKernel: String(kernel),
            K.generatorLeakySlope: NumberFormat.shortest(slopes[0]),
            K.rnnHidden: denses.dropLast().map { String($0.outputSize) }.joined(separator: ","),
            K.rnnLeakySlope: NumberFormat.shortest(rnnSlopes.first ?? 0.2),
            K.rnnNoiseDim: String(options.noiseDim),
            K.rnnResidual: options.residual ? "true" : "false",
            K.stepSeconds: NumberFormat.shortest(options.stepSeconds),
            K.trained: options.trained ? "true" : "false",
        ]
        // The runtime reads this key even when there is no BatchNorm tensor.
        m[K.generatorBatchNormEpsilon] = NumberFormat.shortest(epsilons.first ?? 0.001)
        if options.noiseCorrelation > 0 { m[K.rnnNoiseCorrelation] = NumberFormat.shortest(options.noiseCorrelation) }
        for (k, v) in options.extraMetadata where m[k] == nil { m[k] = v }
        w.metadata = m
        return w
    }

    /// Layers of nested Sequentials, in order.
    public static func flattenLayers(_ layer: Layer) -> [Layer] {
        if let s = layer as? Sequential { return s.layers.flatMap { flattenLayers($0) } }
        return [layer]
    }
}
