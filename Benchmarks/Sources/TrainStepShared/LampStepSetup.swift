// The step `duralava-train train` takes (docs/design.md#training-in-two-phases): one frame-phase
// step (FramePhase.step) or one dynamics-phase step (DynamicsPhase.step) of a preset, with
// the preset's settings, on simulated footage. The footage is smaller than the preset's
// (a step draws a random batch from it, so its size does not change the step's work).

import DuralavaData
import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer

public final class LampStepSetup {
    public enum Phase: String, Sendable { case frames, dynamics }

    public let phase: Phase
    public let preset: TrainingPreset
    public let frames: FramePhase
    public let dynamics: DynamicsPhase
    public let footage: LampSequences
    private var rng = RandomGenerator(seed: 3)

    public init(phase: Phase, preset name: String = "default", threads: Int = 2, sequences: Int = 8) throws {
        Compute.threads = threads
        self.phase = phase
        preset = try TrainingPreset.named(name)
        let p = preset
        footage = LampSequences.simulated(count: sequences, length: p.sequenceLength, width: p.arch.frameWidth,
                                          height: p.arch.frameHeight, stepSeconds: p.stepSeconds, seed: 1001)
        var initRNG = RandomGenerator(seed: 1)
        frames = FramePhase(arch: p.arch, settings: p.frame, rng: &initRNG)
        dynamics = DynamicsPhase(arch: p.arch, settings: p.dynamics, rng: &initRNG)
        if phase == .dynamics { dynamics.encodeFootage(footage, with: frames) }
    }

    /// One step; returns (seconds, GEMM floating-point operations).
    @discardableResult
    public func step() -> (seconds: Double, flops: Int) {
        Compute.resetGemmFlopCount()
        let start = monotonicSeconds()
        switch phase {
        case .frames: _ = frames.step(data: footage, rng: &rng)
        case .dynamics: _ = dynamics.step(rng: &rng)
        }
        return (monotonicSeconds() - start, Compute.gemmFlopCount)
    }
}
