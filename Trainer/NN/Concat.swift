// Concatenation along the last axis of tensors with equal leading shapes, e.g. the
// recurrent critic's [frame features, previous state]. Not a `Layer` (it has several
// inputs); it has the same state-per-call pattern.

public final class ConcatState {
    public var inputShapes: [[Int]] = []
    public var output = ReusableBuffer()
    public var gradInputs: [ReusableBuffer] = []
    public init() {}
}

public final class Concat {
    public init() {}

    public func makeState() -> ConcatState { ConcatState() }

    public func forward(_ inputs: [Tensor], state: ConcatState) -> Tensor {
        precondition(!inputs.isEmpty, "Concat: no inputs")
        let lead = Array(inputs[0].shape.dropLast())
        let rows = Tensor.elementCount(lead)
        for t in inputs {
            precondition(Array(t.shape.dropLast()) == lead, "Concat: shapes \(inputs.map { $0.shape }) differ before the last axis")
        }
        let widths = inputs.map { $0.shape.last ?? 1 }
        let total = widths.reduce(0, +)
        state.inputShapes = inputs.map { $0.shape }
        let out = state.output.get(lead + [total])
        let y = out.pointer
        var column = 0
        for (t, w) in zip(inputs, widths) {
            let x = t.pointer
            for r in 0..<rows { (y + r * total + column).update(from: x + r * w, count: w) }
            column += w
        }
        return out
    }

    /// Splits the output gradient into one gradient per input.
    public func backward(_ gradOutput: Tensor, state: ConcatState) -> [Tensor] {
        let widths = state.inputShapes.map { $0.last ?? 1 }
        let total = widths.reduce(0, +)
        let rows = gradOutput.count / max(total, 1)
        while state.gradInputs.count < widths.count { state.gradInputs.append(ReusableBuffer()) }
        var grads: [Tensor] = []
        var column = 0
        let g = gradOutput.pointer
        for (i, w) in widths.enumerated() {
            let d = state.gradInputs[i].get(state.inputShapes[i])
            for r in 0..<rows { (d.pointer + r * w).update(from: g + r * total + column, count: w) }
            grads.append(d)
            column += w
        }
        return grads
    }
}
