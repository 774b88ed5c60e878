// The trainer's own random numbers: xoshiro256** seeded through SplitMix64, normals by
// Box–Muller. Never the system RNG, so a seed reproduces a run bit for bit and the whole
// state (four words) fits in a checkpoint.

public struct RandomGenerator: Equatable, Sendable {
    public var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// Restores a saved state (see `stateWords`).
    public init(stateWords w: [UInt64]) {
        precondition(w.count == 4 && w.contains { $0 != 0 }, "RandomGenerator needs four words, not all zero")
        state = (w[0], w[1], w[2], w[3])
    }

    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool { a.stateWords == b.stateWords }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = RandomGenerator.rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func uniformFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Uniform integer in 0..<bound.
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(UInt64(uniformDouble() * Double(bound)) % UInt64(bound))
    }

    /// One N(0,1) sample (Box–Muller; the second value is dropped so the state alone
    /// describes the generator).
    public mutating func gaussian() -> Float {
        let u1 = 1.0 - uniformDouble()  // in (0, 1]: log is finite
        let u2 = uniformDouble()
        return Float((-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2))
    }

    /// Fills `buffer` with N(mean, std²) samples, two per Box–Muller pair.
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u1 = 1.0 - uniformDouble()
            let u2 = uniformDouble()
            let r = (-2.0 * _log(u1)).squareRoot()
            let a = 2.0 * Double.pi * u2
            buffer[i] = mean + std * Float(r * _cos(a))
            if i + 1 < n { buffer[i + 1] = mean + std * Float(r * _sin(a)) }
            i += 2
        }
    }

    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float) {
        for i in 0..<buffer.count { buffer[i] = low + (high - low) * uniformFloat() }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
