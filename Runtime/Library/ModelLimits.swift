/// Resource limits of the runtime (Runtime/FORMAT.md, "Limits"), checked from the metadata
/// alone, before any buffer is allocated: a small file must not be able to ask for gigabytes
/// or hours per frame. Each is far above any lamp this project trains (64x64: 0.23 MB of
/// activations, 27 M multiply-adds per frame).
public enum ModelLimits {
    /// Frame pixels (height × width): 2048 × 2048.
    public static let maxFramePixels = 2048 * 2048
    /// Bytes of the generator's float activations per frame, all layers summed: 512 MiB.
    public static let maxActivationBytes = 512 << 20
    /// Generator multiply-adds per frame: 2×10^10 (seconds per frame on a board).
    public static let maxGeneratorMultiplyAdds = 20_000_000_000.0
    /// RNN multiply-adds per step: 10^8.
    public static let maxRNNMultiplyAdds = 100_000_000.0

    /// Sizes are summed in Double: the products of metadata values cannot overflow there.
    public static func check(_ c: ModelConfig, path: String) throws(ModelError) {
        func fail(_ what: String) -> ModelError { ModelError(path, .limits, what) }
        guard c.frameHeight * c.frameWidth <= maxFramePixels else {
            throw fail("frame \(c.frameHeight)x\(c.frameWidth) has more than the \(maxFramePixels) pixels (2048x2048) this runtime allows")
        }
        var h = Double(c.baseHeight), w = Double(c.baseWidth)
        var inChannels = Double(c.latentDim)
        var floats = 0.0, multiplyAdds = 0.0
        let outputs = c.channels.map(Double.init) + [3]
        for (i, out) in outputs.enumerated() {
            if i == 0 {
                multiplyAdds += h * w * out * inChannels // kernel = stride = base, from a 1x1 latent
            } else {
                multiplyAdds += h * w * Double(c.kernel * c.kernel) * out * inChannels
                h *= 2; w *= 2
            }
            floats += h * w * out
            inChannels = out
        }
        let bytes = floats * 4
        guard bytes <= Double(maxActivationBytes) else {
            throw fail("generator.channels \(c.channels.map(String.init).joined(separator: ",")) at \(c.frameHeight)x\(c.frameWidth) "
                       + "need \(Int(bytes / 1048576)) MiB of activations per frame (limit \(maxActivationBytes >> 20) MiB)")
        }
        guard multiplyAdds <= maxGeneratorMultiplyAdds else {
            throw fail("generator.channels \(c.channels.map(String.init).joined(separator: ",")) at \(c.frameHeight)x\(c.frameWidth) "
                       + "need \(Int(multiplyAdds / 1e6)) M multiply-adds per frame (limit \(Int(maxGeneratorMultiplyAdds / 1e6)) M)")
        }
        var rnnMultiplyAdds = 0.0
        var width = Double(c.latentDim + c.rnnNoiseDim)
        for out in c.rnnHidden.map(Double.init) + [Double(c.latentDim)] {
            rnnMultiplyAdds += width * out
            width = out
        }
        guard rnnMultiplyAdds <= maxRNNMultiplyAdds else {
            throw fail("rnn.hidden \(c.rnnHidden.map(String.init).joined(separator: ",")) needs \(Int(rnnMultiplyAdds / 1e6)) M "
                       + "multiply-adds per step (limit \(Int(maxRNNMultiplyAdds / 1e6)) M)")
        }
    }
}
