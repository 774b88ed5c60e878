// package-benchmark suite: OpenBLAS's own sgemm rate, then the steps `duralava-train train`
// takes on the default preset (a frame-phase step, a dynamics-phase step), then the reference
// system's joint adversarial step (docs/design.md#training-in-two-phases), measured in the same run. Custom metrics are integers: rates in MFLOP/s, the share of the
// sgemm rate in percent.

import DuralavaNN
import Benchmark
import DuralavaTrainer
import TrainStepShared

// nonisolated(unsafe): written and read by the benchmark harness, which runs one benchmark at a
// time on one thread (docs/architecture.md, the opt-outs).
nonisolated(unsafe) var sgemmRate2Threads = 0.0

let benchmarks: @Sendable () -> Void = {
    let rate = BenchmarkMetric.custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
    let share = BenchmarkMetric.custom("% of sgemm rate", polarity: .prefersLarger, useScalingFactor: false)
    let gflopPerStep = BenchmarkMetric.custom("GEMM GFLOP per step", polarity: .prefersSmaller, useScalingFactor: false)
    // One training step per iteration: its GEMM rate, its GEMM work and that rate's share of sgemm's.
    @Sendable func measureSteps(_ benchmark: Benchmark, _ step: () -> (seconds: Double, flops: Int)) {
        for _ in benchmark.scaledIterations {
            let (seconds, flops) = step()
            let achieved = Double(flops) / seconds / 1e9
            benchmark.measurement(rate, Int(achieved * 1000))
            benchmark.measurement(gflopPerStep, Int((Double(flops) / 1e9).rounded()))
            if sgemmRate2Threads > 0 { benchmark.measurement(share, Int((100 * achieved / sgemmRate2Threads).rounded())) }
        }
    }

    for threads in [1, 2] {
        Benchmark("OpenBLAS sgemm 2048x2048x2048, \(threads) thread(s)",
                  configuration: .init(metrics: [.wallClock, rate], timeUnits: .milliseconds,
                                       warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 5)) { benchmark in
            for _ in benchmark.scaledIterations {
                let r = GEMM.measureOpenBLASRate(size: 2048, threads: threads, seconds: 1)
                if threads == 2 { sgemmRate2Threads = max(sgemmRate2Threads, r) }
                benchmark.measurement(rate, Int(r * 1000))
            }
        }
    }

    for phase in [LampStepSetup.Phase.frames, .dynamics] {
        let name = phase == .frames ? "Frame phase step (FramePhase.step)" : "Dynamics phase step (DynamicsPhase.step)"
        Benchmark("\(name), default preset (2 threads)",
                  configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal,
                                                 rate, share, gflopPerStep],
                                       timeUnits: .milliseconds, warmupIterations: 2,
                                       maxDuration: .seconds(30), maxIterations: 50)) { (benchmark: Benchmark, setup: LampStepSetup) in
            measureSteps(benchmark, setup.step)
        } setup: { () -> LampStepSetup in
            if sgemmRate2Threads == 0 { sgemmRate2Threads = GEMM.measureOpenBLASRate(size: 2048, threads: 2, seconds: 2) }
            return try LampStepSetup(phase: phase, threads: 2)
        }
    }

    Benchmark("Reference joint adversarial step, batch 32, sequence 20, 64x64 (2 threads)",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal,
                                             rate, share, gflopPerStep],
                                   timeUnits: .milliseconds, warmupIterations: 1,
                                   maxDuration: .seconds(60), maxIterations: 8)) { (benchmark: Benchmark, setup: TrainStepSetup) in
        measureSteps(benchmark, setup.step)
    } setup: { () -> TrainStepSetup in
        if sgemmRate2Threads == 0 { sgemmRate2Threads = GEMM.measureOpenBLASRate(size: 2048, threads: 2, seconds: 2) }
        return TrainStepSetup(threads: 2)
    }

    // The harness's own allocations, to subtract from the step's.
    Benchmark("Empty body", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 8)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(0) }
    }
}
