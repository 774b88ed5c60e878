// A chain of layers; itself a layer, so chains nest.

public final class SequentialState: LayerState {
    public let states: [LayerState]
    init(states: [LayerState]) { self.states = states }
}

public final class Sequential: Layer {
    public let name: String
    public let layers: [Layer]
    public let parameters: [Parameter]

    /// Names parameters `name.layer.param`, using a layer's index where its name is empty.
    public init(name: String, _ layers: [Layer]) {
        self.name = name
        self.layers = layers
        for (i, layer) in layers.enumerated() {
            let label = layer.name.isEmpty ? String(i) : layer.name
            prefixParameterNames(of: layer, with: name.isEmpty ? label : name + "." + label)
        }
        parameters = layers.flatMap { $0.parameters }
        var seen = Set<String>()
        for p in parameters {
            precondition(seen.insert(p.name).inserted, "Sequential \(name): duplicate parameter name \(p.name)")
        }
    }

    func profileKey(_ i: Int, _ direction: String) -> String {
        let l = layers[i]
        return "\(name).\(l.name.isEmpty ? String(i) : l.name) \(type(of: l)) \(direction)"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        layers.reduce(inputShape) { $1.outputShape(for: $0) }
    }

    public func makeState() -> LayerState { SequentialState(states: layers.map { $0.makeState() }) }

    public func forward(_ input: Tensor, state: LayerState, training: Bool) -> Tensor {
        let s = state as! SequentialState
        s.input = input
        s.training = training
        var x = input
        for (i, (layer, ls)) in zip(layers, s.states).enumerated() {
            x = Profiler.measure(self.profileKey(i, "forward")) { layer.forward(x, state: ls, training: training) }
        }
        return x
    }

    @discardableResult
    public func backward(_ gradOutput: Tensor, state: LayerState, options: BackwardOptions) -> Tensor? {
        let s = state as! SequentialState
        var g = gradOutput
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let opts = BackwardOptions(inputGradient: i > 0 || options.inputGradient,
                                       parameterGradients: options.parameterGradients)
            let out = Profiler.measure(self.profileKey(i, "backward")) { layers[i].backward(g, state: s.states[i], options: opts) }
            guard let next = out else { return nil }
            g = next
        }
        return g
    }
}
