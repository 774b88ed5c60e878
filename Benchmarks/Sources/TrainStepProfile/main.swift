// Runs the reference adversarial step a few times and prints seconds per step, achieved
// GEMM rate against OpenBLAS's own sgemm rate measured in the same process, peak memory,
// and a per-layer time breakdown. Usage: TrainStepProfile [steps] [threads]

import DuralavaNN
import DuralavaTrainer
import TrainStepShared

let args = CommandLine.arguments
let steps = args.count > 1 ? Int(args[1]) ?? 3 : 3
let threads = args.count > 2 ? Int(args[2]) ?? 2 : 2

let sgemm1 = GEMM.measureOpenBLASRate(size: 2048, threads: 1, seconds: 1.5)
let sgemm2 = GEMM.measureOpenBLASRate(size: 2048, threads: 2, seconds: 1.5)
print("OpenBLAS sgemm 2048³: \(Int(sgemm1)) GFLOP/s on 1 thread, \(Int(sgemm2)) on 2")

let setup = TrainStepSetup(threads: threads)
let warm = setup.step()
print("warm-up step: \(warm.seconds) s")
var times: [Double] = []
var flops = 0
Profiler.enabled = true
Profiler.reset()
for _ in 0..<steps {
    let r = setup.step()
    times.append(r.seconds)
    flops = r.flops
}
Profiler.enabled = false
let mean = times.reduce(0, +) / Double(times.count)
let best = times.min()!
let achieved = Double(flops) / mean / 1e9
print("steps: \(times.map { (($0 * 1000).rounded() / 1000) }) s")
print("mean \(mean) s/step, best \(best) s; GEMM work \(Double(flops) / 1e9) GFLOP/step")
print("achieved \(achieved) GFLOP/s = \(Int((100 * achieved / sgemm2).rounded()))% of sgemm (\(threads) threads)")
print("peak resident memory: \(peakResidentBytes() / (1 << 20)) MiB")
let layerTotal = Profiler.seconds.values.reduce(0, +)
print("\nper-layer time over \(steps) steps (nested Sequentials counted once each):")
print(Profiler.report(top: 60))
_ = layerTotal
