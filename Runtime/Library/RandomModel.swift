import DuralavaKernels

/// A deterministic randomly initialised model, written by the project's own code so the lamp
/// can run before any training has happened. Its metadata says `trained` = `false`, and the
/// runtime says so when it loads it.
public enum RandomModel {
    public static func writer(config: ModelConfig, seed: UInt64) -> SafetensorsWriter {
        var rng = RandomSource(seed: seed)
        var w = SafetensorsWriter()
        func gaussian(_ n: Int, std: Float) -> [Float] { (0..<n).map { _ in rng.gaussian() * std } }
        let layers = config.generatorLayers
        for (i, g) in layers.enumerated() {
            let last = i == layers.count - 1
            let cin = g.inputChannels, cout = g.outputChannels, kh = g.kernelHeight, kw = g.kernelWidth
            // He initialisation over the taps that actually reach an output pixel.
            let taps = i == 0 ? 1 : (kh / 2) * (kw / 2)
            let std = (2 / Float(taps * cin)).squareRoot()
            w.add(ModelSchema.Generator.weight(i), shape: [kh, kw, cout, cin], floats: gaussian(kh * kw * cout * cin, std: std))
            if last {
                w.add(ModelSchema.Generator.bias(i), shape: [cout], floats: [Float](repeating: 0, count: cout))
            } else {
                w.add(ModelSchema.Generator.batchNormGamma(i), shape: [cout], floats: [Float](repeating: 1, count: cout))
                w.add(ModelSchema.Generator.batchNormBeta(i), shape: [cout], floats: [Float](repeating: 0, count: cout))
                w.add(ModelSchema.Generator.batchNormMean(i), shape: [cout], floats: [Float](repeating: 0, count: cout))
                w.add(ModelSchema.Generator.batchNormVariance(i), shape: [cout], floats: [Float](repeating: 1, count: cout))
            }
        }
        var inCount = config.latentDim + config.rnnNoiseDim
        let widths = config.rnnHidden + [config.latentDim]
        for (j, out) in widths.enumerated() {
            let last = j == widths.count - 1
            // The last layer is small so that a residual RNN drifts slowly, like a lamp.
            let std = last ? 0.25 / Float(inCount).squareRoot() : (2 / Float(inCount)).squareRoot()
            w.add(ModelSchema.RNN.weight(j), shape: [out, inCount], floats: gaussian(out * inCount, std: std))
            w.add(ModelSchema.RNN.bias(j), shape: [out], floats: [Float](repeating: 0, count: out))
            inCount = out
        }
        w.metadata = config.metadata
        w.metadata[ModelSchema.Key.trained] = "false"
        w.metadata[ModelSchema.Key.description] = "randomly initialised (seed \(seed)); not trained"
        return w
    }

    /// The configuration used for the untrained lamp: the reference generator, a residual RNN.
    public static var defaultConfig: ModelConfig {
        var c = ModelConfig.reference()
        c.rnnResidual = true
        return c
    }
}
