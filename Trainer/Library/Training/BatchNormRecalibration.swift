import DuralavaNN
/// Sets the running statistics of every BatchNorm in `network` to the exact statistics of
/// one forward pass over `input` (training mode, momentum 0), leaving weights untouched.
///
/// Why: inference uses running statistics, which are a moving average over past batches of
/// *other* weights — for a moving-average (EMA) generator the statistics of the live one.
/// Recomputing them for the weights that are exported removes that mismatch (it showed as
/// inference reconstructions worse than training ones).
public func recalibrateBatchNorm(_ network: Layer, input: Tensor) {
    var norms: [BatchNorm] = []
    collectBatchNorms(network, into: &norms)
    let saved = norms.map { $0.momentum }
    for n in norms { n.momentum = 0 }
    _ = network.forward(input, state: network.makeState(), training: true)
    for (n, m) in zip(norms, saved) { n.momentum = m }
}

private func collectBatchNorms(_ layer: Layer, into norms: inout [BatchNorm]) {
    if let bn = layer as? BatchNorm { norms.append(bn) }
    if let seq = layer as? Sequential { for l in seq.layers { collectBatchNorms(l, into: &norms) } }
}
