// The layer protocol. A layer object holds parameters and hyper-parameters; everything one
// forward call produces and its backward call needs (the input, the output, saved
// statistics, the input-gradient buffer) lives in a separate `LayerState`. One layer can so
// be applied several times per step — the RNN at every time step, the critic to real and to
// generated frames — each call with its own state, and buffers are reused across steps.

/// Which gradients a backward call produces.
public struct BackwardOptions: Sendable {
    /// Compute and return the gradient with respect to the input (skip it for the first
    /// layer of a network whose input is data).
    public var inputGradient: Bool
    /// Accumulate (+=) the gradients of the layer's parameters (skip it when only the
    /// input gradient is wanted, e.g. the generator's gradient through a frozen critic).
    public var parameterGradients: Bool

    public init(inputGradient: Bool = true, parameterGradients: Bool = true) {
        self.inputGradient = inputGradient
        self.parameterGradients = parameterGradients
    }

    public static let all = BackwardOptions()
    public static let inputOnly = BackwardOptions(inputGradient: true, parameterGradients: false)
    public static let parametersOnly = BackwardOptions(inputGradient: false, parameterGradients: true)
}

/// Per-call activations of a layer. Subclassed by layers that save more.
open class LayerState {
    /// The input of the last forward call (aliased, not copied: don't overwrite it before
    /// backward).
    public var input: Tensor?
    public var output = ReusableBuffer()
    public var gradInput = ReusableBuffer()
    public var training = false
    public init() {}
}

public protocol Layer: AnyObject {
    /// Name used as the prefix of its parameters' names inside a `Sequential`.
    var name: String { get }
    /// Every parameter, trainable and not (BatchNorm's running statistics), in a fixed order.
    var parameters: [Parameter] { get }
    /// Output shape for an input shape (batch first).
    func outputShape(for inputShape: [Int]) -> [Int]
    func makeState() -> LayerState
    /// Computes the output. `training` selects BatchNorm's batch statistics (and updates its
    /// running statistics).
    func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor
    /// Back-propagates `gradOutput` (same shape as the last output of `state`): accumulates
    /// parameter gradients and returns the input gradient, as `options` ask. Returns nil when
    /// no input gradient was asked for.
    @discardableResult
    func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor?
}

extension Layer {
    public var trainableParameters: [Parameter] { parameters.filter { $0.isTrainable } }

    /// Backward with all gradients; returns the input gradient.
    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState) -> Tensor {
        backward(gradOutput, state: state, options: .all)!
    }

    /// Forward with a throw-away state, for inference.
    public func callAsFunction(_ input: Tensor, training: Bool = false) -> Tensor {
        forward(input, state: makeState(), training: training)
    }

    public var parameterCount: Int { trainableParameters.reduce(0) { $0 + $1.value.count } }
}

/// Prepends `prefix.` to the names of a layer's parameters (containers call this).
public func prefixParameterNames(of layer: Layer, with prefix: String) {
    for p in layer.parameters { p.name = prefix + "." + p.name }
}

func checkShape(_ tensor: Tensor, _ expected: [Int], _ what: String) {
    precondition(tensor.shape == expected, "\(what): shape \(tensor.shape), expected \(expected)")
}
