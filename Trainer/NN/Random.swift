import DuralavaRuntime

// The trainer's random numbers on the project's one core (`Xoshiro256` in the runtime):
// uniforms with 24 or 53 bits, normals by Box–Muller. A seed reproduces a run bit for bit and
// the whole state (four words) fits in a checkpoint.

public struct RandomGenerator: Equatable, Sendable {
    private var core: Xoshiro256

    public init(seed: UInt64) { core = Xoshiro256(seed: seed) }

    /// Restores a saved state (see `stateWords`).
    public init(stateWords w: [UInt64]) {
        guard let core = Xoshiro256(state: w) else { preconditionFailure("RandomGenerator needs four words, not all zero") }
        self.core = core
    }

    public var stateWords: [UInt64] { core.state }

    @inline(__always)
    public mutating func next() -> UInt64 { core.next() }

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
