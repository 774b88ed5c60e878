// Reshape and Flatten change the shape only; output and gradients alias their inputs.

public final class Reshape: Layer {
    public let name: String
    /// Shape of one item (without the batch axis).
    public let itemShape: [Int]
    public var parameters: [Parameter] { [] }
    public init(name: String = "", _ itemShape: [Int]) { self.name = name; self.itemShape = itemShape }
    public func outputShape(for s: [Int]) -> [Int] { [s[0]] + itemShape }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        precondition(input.itemCount == Tensor.elementCount(itemShape), "Reshape \(name): \(input.shape) to items of \(itemShape)")
        state.input = input
        return input.reshaped(outputShape(for: input.shape))
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        options.inputGradient ? gradOutput.reshaped(state.input!.shape) : nil
    }
}

public final class Flatten: Layer {
    public let name: String
    public var parameters: [Parameter] { [] }
    public init(name: String = "") { self.name = name }
    public func outputShape(for s: [Int]) -> [Int] { [s[0], Tensor.elementCount(Array(s.dropFirst()))] }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        state.input = input
        return input.reshaped(outputShape(for: input.shape))
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        options.inputGradient ? gradOutput.reshaped(state.input!.shape) : nil
    }
}
