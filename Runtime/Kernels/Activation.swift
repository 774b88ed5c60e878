import DuralavaSIMD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Element-wise activations used by the generator and the RNN.
public enum Activation: Equatable {
    case none
    case leakyReLU(slope: Float)
    case sigmoid

    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: break
        case .leakyReLU(let slope):
            for i in 0..<count where x[i] < 0 { x[i] *= slope }
        case .sigmoid:
            for i in 0..<count { x[i] = 1 / (1 + expf(-x[i])) }
        }
    }

    /// The same with a vectorized sigmoid (relative error below 1e-6; the optimized path).
    public func applyVectorized(_ x: UnsafeMutablePointer<Float>, count: Int) {
        if case .sigmoid = self { dl_sigmoid(x, Int32(count)) } else { apply(x, count: count) }
    }
}
