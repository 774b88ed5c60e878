// Deterministic random numbers for the simulator. The system RNG is never used: a lamp
// must replay bit for bit from its seed on every machine and every run.
import DuralavaRuntime

/// The simulator's random numbers on the project's one core (`Xoshiro256` in the runtime):
/// uniforms with 53 bits, normals by Box–Muller dropping the second value.
public struct SeededRandom: RandomNumberGenerator {
    private var core: Xoshiro256

    public init(seed: UInt64) { core = Xoshiro256(seed: seed) }

    @inline(__always)
    public mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in [lo, hi).
    @inline(__always)
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * uniform()
    }

    /// Standard normal deviate (Box–Muller; the second value is discarded to keep the
    /// state a pure function of the number of calls).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
