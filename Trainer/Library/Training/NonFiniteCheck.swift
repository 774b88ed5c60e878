import DuralavaNN
/// A diverged run (docs/reliability.md#training-keeps-its-history): non-finite losses or parameters are caught before anything is
/// written, so the last good checkpoint is never overwritten by one the loader refuses.
public enum NonFiniteCheck {
    /// The first parameter holding NaN or infinity: its name, element and value.
    public static func firstBadParameter(_ parameters: [Parameter]) -> (name: String, index: Int, value: Float)? {
        for p in parameters {
            let t = p.value
            for i in 0..<t.count where !t.pointer[i].isFinite { return (p.name, i, t.pointer[i]) }
        }
        return nil
    }

    /// The same for named tensors (optimizer state).
    public static func firstBadTensor(_ tensors: [(name: String, tensor: Tensor)]) -> (name: String, index: Int, value: Float)? {
        for (name, t) in tensors {
            for i in 0..<t.count where !t.pointer[i].isFinite { return (name, i, t.pointer[i]) }
        }
        return nil
    }
}
