import DuralavaNN
/// One update of a critic with the non-saturating binary cross-entropy: real inputs towards
/// `realLabel` (one-sided label smoothing), generated ones towards 0; parameter gradients only.
/// Returns the summed loss of both halves. A `gradientPenalty` adds its term on the real frames
/// when it is due. States and logit-gradient buffers are the caller's,
/// so a phase can reuse them across steps.
func updateCritic(_ critic: Layer, optimizer: Optimizer, learningRate: Float,
                  real: Tensor, fake: Tensor, realLabel: Float,
                  realState: LayerState, fakeState: LayerState,
                  realGradient: Tensor, fakeGradient: Tensor,
                  gradientPenalty: CriticGradientPenalty? = nil) -> Float {
    zeroGradients(critic.trainableParameters)
    let realLogits = critic.forward(real, state: realState, training: true)
    var loss = Loss.binaryCrossEntropyWithLogits(logits: realLogits, target: realLabel, gradient: realGradient)
    critic.backward(realGradient, state: realState, options: .parametersOnly)
    let fakeLogits = critic.forward(fake, state: fakeState, training: true)
    loss += Loss.binaryCrossEntropyWithLogits(logits: fakeLogits, target: 0, gradient: fakeGradient)
    critic.backward(fakeGradient, state: fakeState, options: .parametersOnly)
    gradientPenalty?.accumulateIfDue(critic: critic, real: real)
    optimizer.step(learningRate: learningRate)
    return loss
}
