// Parameters: a value, its gradient, and a name that checkpoints and export use.

/// A learnable tensor (or, with `isTrainable == false`, layer state that is saved in
/// checkpoints but not optimised, such as BatchNorm's running statistics).
public final class Parameter {
    /// Full dotted name, e.g. `generator.tconv1.weight`; containers prepend their names.
    public var name: String
    public let value: Tensor
    /// Accumulated by `backward`; cleared by `zeroGradients`. Zero-sized when not trainable.
    public let gradient: Tensor
    public let isTrainable: Bool

    public init(name: String, shape: [Int], isTrainable: Bool = true) {
        self.name = name
        value = Tensor(shape: shape)
        gradient = Tensor(shape: isTrainable ? shape : [0])
        self.isTrainable = isTrainable
    }

    public func zeroGradient() { if isTrainable { gradient.fill(0) } }
}

public func zeroGradients(_ parameters: [Parameter]) {
    for p in parameters { p.zeroGradient() }
}

/// How a weight tensor is initialised.
public enum Initializer: Sendable {
    case zeros
    case ones
    case constant(Float)
    case normal(std: Float)
    /// U(-a, a) with a = sqrt(6 / (fanIn + fanOut)) (Keras' default).
    case glorotUniform
    /// N(0, 2 / fanIn), for (leaky) ReLU networks.
    case heNormal

    public func fill(_ t: Tensor, fanIn: Int, fanOut: Int, rng: inout RandomGenerator) {
        switch self {
        case .zeros: t.fill(0)
        case .ones: t.fill(1)
        case .constant(let c): t.fill(c)
        case .normal(let std): rng.fillGaussian(t.buffer, std: std)
        case .glorotUniform:
            let a = Float((6.0 / Double(max(fanIn + fanOut, 1))).squareRoot())
            rng.fillUniform(t.buffer, low: -a, high: a)
        case .heNormal:
            rng.fillGaussian(t.buffer, std: Float((2.0 / Double(max(fanIn, 1))).squareRoot()))
        }
    }
}
