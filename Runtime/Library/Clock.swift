#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Seconds from a monotonic clock (progress lines, rates, benchmarks).
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// `n` in decimal with leading zeros to `width` digits (frame file names).
public func zeroPadded(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: Swift.max(0, width - s.count)) + s
}
