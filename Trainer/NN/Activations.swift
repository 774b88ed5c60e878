// Elementwise activations. Each keeps its input (LeakyReLU, ReLU) or output (Sigmoid, Tanh)
// for backward; large tensors are split across the workers.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Applies `body(range)` to element ranges of a tensor of `count` values.
@inline(__always)
func forEachElementRange(_ count: Int, _ body: (Range<Int>) -> Void) {
    Compute.parallelRanges(count, minimumPerWorker: 1 << 15) { _, r in body(r) }
}

public final class LeakyReLU: Layer {
    public let name: String
    public let slope: Float
    public var parameters: [Parameter] { [] }
    public init(name: String = "", slope: Float = 0.2) { self.name = name; self.slope = slope }
    public func outputShape(for s: [Int]) -> [Int] { s }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        state.input = input
        let out = state.output.get(input.shape)
        let x = input.pointer, y = out.pointer, a = slope
        forEachElementRange(input.count) { r in for i in r { let v = x[i]; y[i] = v > 0 ? v : a * v } }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let input = state.input!
        let dxT = state.gradInput.get(input.shape)
        let x = input.pointer, g = gradOutput.pointer, dx = dxT.pointer, a = slope
        forEachElementRange(input.count) { r in for i in r { dx[i] = x[i] > 0 ? g[i] : a * g[i] } }
        return dxT
    }
}

public final class ReLU: Layer {
    public let name: String
    public var parameters: [Parameter] { [] }
    public init(name: String = "") { self.name = name }
    public func outputShape(for s: [Int]) -> [Int] { s }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        state.input = input
        let out = state.output.get(input.shape)
        let x = input.pointer, y = out.pointer
        forEachElementRange(input.count) { r in for i in r { y[i] = max(x[i], 0) } }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let input = state.input!
        let dxT = state.gradInput.get(input.shape)
        let x = input.pointer, g = gradOutput.pointer, dx = dxT.pointer
        forEachElementRange(input.count) { r in for i in r { dx[i] = x[i] > 0 ? g[i] : 0 } }
        return dxT
    }
}

public final class Sigmoid: Layer {
    public let name: String
    public var parameters: [Parameter] { [] }
    public init(name: String = "") { self.name = name }
    public func outputShape(for s: [Int]) -> [Int] { s }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        state.input = input
        let out = state.output.get(input.shape)
        let x = input.pointer, y = out.pointer
        forEachElementRange(input.count) { r in for i in r { y[i] = sigmoid(x[i]) } }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let out = state.output.tensor!
        let dxT = state.gradInput.get(out.shape)
        let y = out.pointer, g = gradOutput.pointer, dx = dxT.pointer
        forEachElementRange(out.count) { r in for i in r { dx[i] = g[i] * y[i] * (1 - y[i]) } }
        return dxT
    }
}

public final class Tanh: Layer {
    public let name: String
    public var parameters: [Parameter] { [] }
    public init(name: String = "") { self.name = name }
    public func outputShape(for s: [Int]) -> [Int] { s }
    public func makeState() -> LayerState { LayerState() }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        state.input = input
        let out = state.output.get(input.shape)
        let x = input.pointer, y = out.pointer
        forEachElementRange(input.count) { r in for i in r { y[i] = tanhf(x[i]) } }
        return out
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        guard options.inputGradient else { return nil }
        let out = state.output.tensor!
        let dxT = state.gradInput.get(out.shape)
        let y = out.pointer, g = gradOutput.pointer, dx = dxT.pointer
        forEachElementRange(out.count) { r in for i in r { dx[i] = g[i] * (1 - y[i] * y[i]) } }
        return dxT
    }
}

/// 1 / (1 + e^−x), written so neither branch overflows.
@inline(__always)
public func sigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}
