// Adam (Kingma & Ba) with bias correction; optional decoupled weight decay (AdamW).

public final class Adam: Optimizer {
    public let kind = "adam"
    public let parameters: [Parameter]
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var stepCount = 0
    /// First and second moment estimates, one per parameter.
    public let m: [Tensor]
    public let v: [Tensor]

    public init(parameters: [Parameter], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                weightDecay: Float = 0) {
        self.parameters = parameters.filter { $0.isTrainable }
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        m = self.parameters.map { Tensor(shape: $0.value.shape) }
        v = self.parameters.map { Tensor(shape: $0.value.shape) }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        zip(parameters, m).map { ("m." + $0.name, $1) } + zip(parameters, v).map { ("v." + $0.name, $1) }
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let t = Double(stepCount)
        let c1 = Float(1 - _pow(Double(beta1), t)), c2 = Float(1 - _pow(Double(beta2), t))
        let b1 = beta1, b2 = beta2, eps = epsilon, lr = learningRate, wd = weightDecay
        for (i, p) in parameters.enumerated() {
            let w = p.value.pointer, g = p.gradient.pointer, mp = m[i].pointer, vp = v[i].pointer
            Compute.parallelRanges(p.value.count, minimumPerWorker: 1 << 16) { _, r in
                for j in r {
                    let gj = g[j]
                    mp[j] = b1 * mp[j] + (1 - b1) * gj
                    vp[j] = b2 * vp[j] + (1 - b2) * gj * gj
                    let mhat = mp[j] / c1, vhat = vp[j] / c2
                    w[j] -= lr * (mhat / (vhat.squareRoot() + eps) + wd * w[j])
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
