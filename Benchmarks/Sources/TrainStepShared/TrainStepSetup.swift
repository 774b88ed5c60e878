// The benchmarked work: one joint adversarial step of the reference system (docs/design.md#the-reference-system) at
// batch 32, sequence 20, 64×64 frames — generator, RNN, per-frame critic, recurrent critic
// and head, forward and backward for both losses, both optimizer updates. "Real" frames
// are fixed uniform noise: data loading is not part of the step.

import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer
import DuralavaExperiments

#if canImport(Glibc)
import Glibc
#endif

public final class TrainStepSetup {
    public let trainer: AdversarialTrainer
    public let realFrames: Tensor
    public let configuration: ReferenceGANConfiguration

    public init(threads: Int = 2, configuration: ReferenceGANConfiguration = .reference) {
        Compute.threads = threads
        self.configuration = configuration
        trainer = AdversarialTrainer(configuration: configuration, seed: 1)
        let c = configuration
        realFrames = Tensor(shape: [c.batchSize * c.sequenceLength, c.imageSize, c.imageSize, 3])
        var rng = RandomGenerator(seed: 2)
        rng.fillUniform(realFrames.buffer, low: 0, high: 1)
    }

    /// One step; returns (seconds, GEMM floating-point operations).
    @discardableResult
    public func step() -> (seconds: Double, flops: Int) {
        Compute.resetGemmFlopCount()
        let start = monotonicSeconds()
        trainer.step(realFrames: realFrames, generatorLearningRate: 2e-4, criticLearningRate: 2e-4)
        return (monotonicSeconds() - start, Compute.gemmFlopCount)
    }
}

/// Peak resident set size of this process in bytes (VmHWM), or 0 where unknown.
public func peakResidentBytes() -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
        let s = String(cString: line)
        if s.hasPrefix("VmHWM:") {
            let kb = s.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
    }
    return 0
}
