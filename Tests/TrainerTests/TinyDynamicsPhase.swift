import DuralavaData
import DuralavaNN
import DuralavaTrainer

/// A tiny-preset dynamics phase on two short simulator runs, encoded by a fresh frame phase
/// (seeds fixed), with its settings adjusted by `configure`: what the dynamics tests start from.
func tinyDynamicsPhase(_ configure: (inout DynamicsPhase.Settings) -> Void) -> DynamicsPhase {
    let preset = TrainingPreset.tiny
    var rng = RandomGenerator(seed: 4)
    let frames = FramePhase(arch: preset.arch, settings: preset.frame, rng: &rng)
    var settings = preset.dynamics
    configure(&settings)
    let phase = DynamicsPhase(arch: preset.arch, settings: settings, rng: &rng)
    phase.encodeFootage(LampSequences.simulated(count: 2, length: 12, width: 16, height: 16, stepSeconds: 0.2, seed: 5), with: frames)
    return phase
}
