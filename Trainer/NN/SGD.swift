// Stochastic gradient descent with (optionally Nesterov) momentum, PyTorch's form:
//   v ← μ·v + g;  w ← w − lr·v   (Nesterov: w ← w − lr·(g + μ·v)).
// The velocity does not depend on the learning rate, so a schedule can change it freely.

public final class SGD: Optimizer {
    public let kind = "sgd"
    public let parameters: [Parameter]
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float
    public var stepCount = 0
    public let velocity: [Tensor]

    public init(parameters: [Parameter], momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0) {
        self.parameters = parameters.filter { $0.isTrainable }
        self.momentum = momentum; self.nesterov = nesterov; self.weightDecay = weightDecay
        velocity = self.parameters.map { Tensor(shape: $0.value.shape) }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        zip(parameters, velocity).map { ("velocity." + $0.name, $1) }
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let mu = momentum, lr = learningRate, wd = weightDecay, nest = nesterov
        for (i, p) in parameters.enumerated() {
            let w = p.value.pointer, g = p.gradient.pointer, v = velocity[i].pointer
            Compute.parallelRanges(p.value.count, minimumPerWorker: 1 << 16) { _, r in
                for j in r {
                    let gj = g[j] + wd * w[j]
                    v[j] = mu * v[j] + gj
                    w[j] -= lr * (nest ? gj + mu * v[j] : v[j])
                }
            }
        }
    }
}
