import DuralavaNN
import DuralavaRuntime

/// Latents the RNN itself reaches after long free runs, for phase 2's starting latents
/// (docs/training.md, "The long-run attractor"): every run of the lamp ends, within
/// 50,000–100,000 steps, in the same still state, and no training loss sees it, because the
/// unroll starts from footage latents or latents carried ~32 steps. Each pool member runs
/// without gradients — the RNN in inference mode, fresh noise, renormalized as the loop does —
/// `advance` steps per training step; it is handed out only once it has run `minimumAge`
/// steps, and restarts from a footage latent (and runs `minimumAge` steps at once) after
/// `maximumAge`. Members' ages are staggered so restarts do not cluster.
final class FreeRunPool {
    /// Its tensors' names in a checkpoint.
    static let checkpointPrefix = "param.dynamics.free_run"
    let minimumAge: Int, maximumAge: Int, advance: Int
    /// Saved with the checkpoint (non-trainable parameters), so a resumed run continues exactly.
    let latentsParameter: Parameter, agesParameter: Parameter
    private var latents: Tensor { latentsParameter.value }
    private let latentDim: Int

    init(count: Int, latentDim d: Int, minimumAge: Int, advance: Int = 16) {
        precondition(count > 0 && minimumAge > 0 && advance > 0)
        self.minimumAge = minimumAge; self.maximumAge = 10 * minimumAge; self.advance = advance
        latentDim = d
        latentsParameter = Parameter(name: "dynamics.free_run", shape: [count, d], isTrainable: false)
        // Age −1: not started yet.
        agesParameter = Parameter(name: "dynamics.free_run_age", shape: [count], isTrainable: false)
        agesParameter.value.fill(-1)
    }

    var count: Int { latents.batch }
    func age(_ i: Int) -> Int { Int(agesParameter.value.pointer[i]) }
    private func setAge(_ i: Int, _ a: Int) { agesParameter.value.pointer[i] = Float(a) }

    /// Runs `rows` of the pool `steps` steps: z ← renormalize(z + f([z, noise])).
    private func run(_ rows: [Int], steps: Int, step f: (Tensor, Tensor) -> Tensor, noiseDim: Int, noiseCorrelation: Float,
                     rng: inout RandomGenerator) {
        guard !rows.isEmpty, steps > 0 else { return }
        let d = latentDim
        let z = Tensor(shape: [rows.count, d]), noise = Tensor(shape: [rows.count, noiseDim])
        let innovation = Tensor(shape: noise.shape)
        for (k, i) in rows.enumerated() { (z.pointer + k * d).update(from: latents.pointer + i * d, count: d) }
        for s in 0..<steps {
            if s > 0 && noiseCorrelation > 0 {
                rng.fillGaussian(innovation.buffer)
                CorrelatedNoise.step(into: noise.pointer, previous: noise.pointer, innovation: innovation.pointer, count: noise.count,
                                     correlation: noiseCorrelation)
            } else {
                rng.fillGaussian(noise.buffer)
            }
            let delta = f(z, noise)
            for j in 0..<z.count { z.pointer[j] += delta.pointer[j] }
            for k in 0..<rows.count { DuralavaRuntime.renormalize(z.pointer + k * d, count: d) }
        }
        for (k, i) in rows.enumerated() { (latents.pointer + i * d).update(from: z.pointer + k * d, count: d) }
    }

    /// One training step's worth of free running. `restart(i, into:)` writes a footage latent;
    /// `f(z, noise)` is the RNN's residual (inference mode).
    func advance(step f: (Tensor, Tensor) -> Tensor, noiseDim: Int, noiseCorrelation: Float = 0, rng: inout RandomGenerator,
                 restart: (inout RandomGenerator, UnsafeMutablePointer<Float>) -> Void) {
        var fresh: [Int] = []
        for i in 0..<count where age(i) < 0 || age(i) >= maximumAge {
            restart(&rng, latents.pointer + i * latentDim)
            // Staggered: member i of a new pool starts as if it had already run a share of the span.
            let stagger = age(i) < 0 ? (maximumAge - minimumAge) * i / count : 0
            setAge(i, minimumAge + stagger)
            fresh.append(i)
        }
        run(fresh, steps: minimumAge, step: f, noiseDim: noiseDim, noiseCorrelation: noiseCorrelation, rng: &rng)
        run(Array(0..<count), steps: advance, step: f, noiseDim: noiseDim, noiseCorrelation: noiseCorrelation, rng: &rng)
        for i in 0..<count { setAge(i, age(i) + advance) }
    }

    /// Copies a random member (every member has run at least `minimumAge` steps) into `p`.
    func draw(into p: UnsafeMutablePointer<Float>, rng: inout RandomGenerator) {
        let i = rng.int(below: count)
        p.update(from: latents.pointer + i * latentDim, count: latentDim)
    }
}
