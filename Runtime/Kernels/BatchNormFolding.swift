/// Folds an inference BatchNorm into the transposed convolution before it (docs/design.md#quantization):
///   BN(conv(x) + b) = conv(x)·a + (b − mean)·a + beta,   a = gamma / √(var + ε),
/// scaling every weight of output channel co by a[co]. `weight` is in file layout
/// [kh, kw, cout, cin]. Used by the float loader; the converter quantizes its result.
public struct BatchNormFolding {
    public let gamma: [Float], beta: [Float], mean: [Float], variance: [Float]
    public let epsilon: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(gamma.count == beta.count && beta.count == mean.count && mean.count == variance.count)
        self.gamma = gamma; self.beta = beta; self.mean = mean; self.variance = variance
        self.epsilon = epsilon
    }

    /// The per-channel factor a[co].
    public var factors: [Float] {
        (0..<gamma.count).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    }

    public enum Problem: Equatable {
        /// variance[channel] < 0.
        case negativeVariance(channel: Int)
        /// The folded weights or bias of `channel` are not finite (e.g. ε = 0 with a zero
        /// variance, or an enormous gamma).
        case nonFinite(channel: Int)
    }

    /// Folds in place; on a problem, leaves the arrays partly folded and returns it.
    public func fold(weight: inout [Float], bias: inout [Float], kernelTaps: Int, inputChannels cin: Int) -> Problem? {
        let cout = gamma.count
        precondition(bias.count == cout && weight.count == kernelTaps * cout * cin)
        if let bad = variance.firstIndex(where: { $0 < 0 }) { return .negativeVariance(channel: bad) }
        let a = factors
        for co in 0..<cout {
            bias[co] = (bias[co] - mean[co]) * a[co] + beta[co]
            var finite = a[co].isFinite && bias[co].isFinite
            for k in 0..<kernelTaps {
                for ci in 0..<cin {
                    let i = (k * cout + co) * cin + ci
                    weight[i] *= a[co]
                    finite = finite && weight[i].isFinite
                }
            }
            if !finite { return .nonFinite(channel: co) }
        }
        return nil
    }
}
