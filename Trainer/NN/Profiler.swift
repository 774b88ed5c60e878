import DuralavaRuntime

// Optional timing of layer calls (for benchmarks and tuning). Disabled by default; when
// enabled, `Sequential` accumulates wall time per layer and direction.

public enum Profiler {
    // nonisolated(unsafe): switched between steps and recorded by one thread at a time (the
    // calling thread, or worker 0 while the caller waits in parallelTasks); benchmarks and
    // tuning only (docs/architecture.md, the opt-outs).
    public nonisolated(unsafe) static var enabled = false
    public nonisolated(unsafe) private(set) static var seconds: [String: Double] = [:]  // one recorder at a time, as above
    public nonisolated(unsafe) private(set) static var calls: [String: Int] = [:]  // one recorder at a time, as above

    public static func reset() { seconds = [:]; calls = [:] }

    @inline(__always)
    static func record(_ key: String, since start: Double) {
        seconds[key, default: 0] += monotonicSeconds() - start
        calls[key, default: 0] += 1
    }

    /// Time spent in `body` under `key` when profiling is enabled.
    @inline(__always)
    public static func measure<T>(_ key: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = monotonicSeconds()
        let result = try body()
        record(key(), since: start)
        return result
    }

    /// Lines "seconds  calls  key", largest first.
    public static func report(top: Int = 40) -> String {
        seconds.sorted { $0.value > $1.value }.prefix(top).map {
            "\(NumberFormat.fixed($0.value, 3)) s  \(calls[$0.key] ?? 0)\t\($0.key)"
        }.joined(separator: "\n")
    }
}

extension Profiler {
    /// Like `measure`, recorded only for worker 0 (the table is not shared between threads);
    /// with two workers this samples half of the work.
    @inline(__always)
    static func measureWorker(_ worker: Int, _ key: String, _ body: () -> Void) {
        guard enabled && worker == 0 else { return body() }
        let start = monotonicSeconds()
        body()
        record(key, since: start)
    }
}
