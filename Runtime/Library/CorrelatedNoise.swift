/// The noise the latent RNN takes each step: N(0, 1) values that are fresh every step
/// (correlation 0, the default) or an AR(1) process with lag-1 correlation ρ,
///   noise_t = ρ·noise_t−1 + √(1 − ρ²)·ε_t,   ε_t ~ N(0, I),
/// whose every value is still N(0, 1). A residual RNN driven by fresh noise has no memory of
/// which way it moved: its steps are independent, so blobs jitter in place where footage's
/// travel (consecutive frame differences of the simulator point the same way, cosine 0.69;
/// docs/training.md, "Motion without persistence"). Correlated noise carries a direction
/// from one step to the next in 16 numbers, without changing the network.
/// A restart (a new start latent) draws fresh noise; with ρ = 0 the random draws are exactly
/// those of fresh noise every step.
public final class CorrelatedNoise {
    public let count: Int
    public let correlation: Float
    private let buffer: UnsafeMutableBufferPointer<Float>
    private let fresh: UnsafeMutableBufferPointer<Float>
    private var primed = false

    public init(count: Int, correlation: Float) {
        precondition(count >= 0 && correlation >= 0 && correlation < 1, "noise correlation must be in 0..<1")
        self.count = count
        self.correlation = correlation
        buffer = .allocate(capacity: Swift.max(count, 1)); buffer.initialize(repeating: 0)
        fresh = .allocate(capacity: Swift.max(count, 1)); fresh.initialize(repeating: 0)
    }

    deinit { buffer.deallocate(); fresh.deallocate() }

    /// This step's values (`count` of them).
    public var values: UnsafePointer<Float> { UnsafePointer(buffer.baseAddress!) }

    /// The next step's noise.
    public func advance(_ random: inout RandomSource) {
        guard count > 0 else { return }
        let current = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
        if correlation == 0 || !primed {
            random.fillGaussian(current)
            primed = true
            return
        }
        let innovation = UnsafeMutableBufferPointer(rebasing: fresh[0..<count])
        random.fillGaussian(innovation)
        CorrelatedNoise.step(into: current.baseAddress!, previous: current.baseAddress!, innovation: innovation.baseAddress!,
                             count: count, correlation: correlation)
    }

    /// out ← ρ·previous + √(1 − ρ²)·innovation, element by element; `out` may be either input
    /// (the trainer's unroll and free runs use it too).
    public static func step(into out: UnsafeMutablePointer<Float>, previous: UnsafePointer<Float>, innovation: UnsafePointer<Float>,
                            count: Int, correlation ρ: Float) {
        let add = (1 - ρ * ρ).squareRoot()
        for i in 0..<count { out[i] = ρ * previous[i] + add * innovation[i] }
    }

    /// The next `advance` draws fresh noise (after a reseed or a reset of the latent).
    public func restart() { primed = false }
}
