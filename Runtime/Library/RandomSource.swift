/// The runtime's random numbers (the lamp's noise and start latents) on the project's one core,
/// `Xoshiro256`: uniforms with 24 bits, normals by Box–Muller keeping the second value.
public struct RandomSource {
    private var core: Xoshiro256
    private var spareGaussian: Float? = nil

    public init(seed: UInt64) { core = Xoshiro256(seed: seed) }

    /// The full state, for checkpoints.
    public var state: [UInt64] { core.state }
    public init(state: [UInt64]) {
        guard let core = Xoshiro256(state: state) else { preconditionFailure("invalid RandomSource state") }
        self.core = core
    }

    @inline(__always)
    public mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Uniform integer in 0..<n.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// Standard normal (Box–Muller; the second value is kept for the next call).
    public mutating func gaussian() -> Float {
        if let g = spareGaussian { spareGaussian = nil; return g }
        var u1 = uniform()
        while u1 <= 1e-7 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * logf(u1)).squareRoot()
        let a = 2 * Float.pi * u2
        spareGaussian = r * sinf(a)
        return r * cosf(a)
    }

    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>, scale: Float = 1) {
        for i in buffer.indices { buffer[i] = gaussian() * scale }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
