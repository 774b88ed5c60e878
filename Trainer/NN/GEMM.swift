// Matrix multiplication through OpenBLAS, and the trainer's thread pool.
//
// Threading: OpenBLAS itself runs single-threaded and the trainer splits work across
// `Compute.threads` workers (row blocks of a GEMM, or batch chunks of a convolution, each
// worker calling a one-thread sgemm). On this machine the im2col-shaped products (N = 32
// to 512) scale badly inside OpenBLAS's own threading but almost perfectly as independent
// calls. Work is cut into a fixed set of tasks that workers claim dynamically; reductions
// keep one partial per task and add them in task order, so every result is bit-identical
// between runs and for any thread count.

import DuralavaRuntime
import COpenBLAS
import Dispatch
import Synchronization

public enum Compute {
    /// Most workers the per-worker scratch memory provides for.
    public static let maxThreads = 64
    // nonisolated(unsafe): set once by the command (--threads) before any work starts, read
    // afterwards, never written while workers run (docs/architecture.md, the opt-outs).
    nonisolated(unsafe) private static var workerCount = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), maxThreads))
    nonisolated(unsafe) private static var configured = false  // set with workerCount, as above

    /// Number of worker threads for GEMMs, convolutions and large elementwise passes
    /// (default: the number of online CPUs; values are clamped to 1…64). Results do not
    /// depend on it.
    public static var threads: Int {
        get { ensureConfigured(); return workerCount }
        set {
            workerCount = max(1, min(newValue, maxThreads))
            configured = true
            openblas_set_num_threads(1)
        }
    }

    @inline(__always) static func ensureConfigured() {
        if !configured {
            configured = true
            openblas_set_num_threads(1)
        }
    }

    /// Floating-point operations (2·m·n·k per product) issued to sgemm since the last reset.
    static let gemmFlops = Atomic<Int>(0)
    public static var gemmFlopCount: Int { gemmFlops.load(ordering: .relaxed) }
    public static func resetGemmFlopCount() { gemmFlops.store(0, ordering: .relaxed) }

    /// Runs `body(worker, task)` for every task in 0..<tasks. Up to `threads` workers claim
    /// tasks dynamically (so a worker slowed by another process simply takes fewer); `worker`
    /// (0..<threads) identifies the calling worker's scratch memory. Callers that reduce
    /// keep one partial per *task*, never per worker, and add them in task order, which makes
    /// results independent of timing and of the thread count.
    public static func parallelTasks(_ tasks: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        let workers = min(threads, tasks)
        if workers <= 1 {
            for t in 0..<tasks { body(0, t) }
            return
        }
        let next = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let shared = ConcurrentTaskBody(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                while true {
                    let t = next.claim()
                    if t >= tasks { break }
                    shared.body(w, t)
                }
            }
        }
    }

    /// Splits 0..<count into contiguous ranges of at least `minimumPerWorker` items (at most
    /// four per thread) and runs them as tasks. For element-wise work, where the split does
    /// not change any result.
    public static func parallelRanges(_ count: Int, minimumPerWorker: Int = 1, _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        if count <= 0 { return }
        let tasks = max(1, min(count / max(minimumPerWorker, 1), 4 * threads))
        if tasks == 1 || threads == 1 {
            body(0, 0..<count)
            return
        }
        parallelTasks(tasks) { w, t in body(w, (count * t / tasks)..<(count * (t + 1) / tasks)) }
    }
}

final class TaskCounter: Sendable {
    private let value = Atomic<Int>(0)
    func claim() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// A task body run by several workers at once. Safe because of the contract of
/// `parallelTasks`: each task index is claimed by exactly one worker (`TaskCounter`), a task
/// writes only its own outputs or its own partial (reductions add partials in task order
/// afterwards), and `worker` selects scratch memory no other running worker uses. The closure
/// captures unsafe pointers into those disjoint regions, which Swift cannot prove disjoint.
private struct ConcurrentTaskBody: @unchecked Sendable {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
}

public enum GEMM {
    /// C = alpha·op(A)·op(B) + beta·C, row-major, on the calling thread.
    /// op(A) is m×k, op(B) is k×n, C is m×n.
    @inline(__always)
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        Compute.ensureConfigured()
        Compute.gemmFlops.add(2 * m * n * k, ordering: .relaxed)
        // Profiled only single-threaded (the profile table is not shared between threads).
        let profiling = Profiler.enabled && Compute.threads == 1
        let start = profiling ? monotonicSeconds() : 0
        defer { if profiling { Profiler.record("sgemm", since: start) } }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The same product split across `Compute.threads` workers by blocks of rows of C (or of
    /// columns when C has few rows). Small products run on the calling thread.
    public static func parallelSgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let workers = Compute.threads
        if workers == 1 || m * n * k < 1 << 21 {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if m >= n || m >= 64 * workers {
            // Row blocks (multiples of 16 rows keep the micro-kernel tiles whole). Every
            // element of C is computed by one call over the whole k, so the split does not
            // change results.
            let blocks = (m + 15) / 16
            Compute.parallelRanges(blocks, minimumPerWorker: 4) { _, r in
                let i0 = r.lowerBound * 16, i1 = min(m, r.upperBound * 16)
                let aBlock = transA ? a + i0 : a + i0 * lda
                sgemm(transA: transA, transB: transB, m: i1 - i0, n: n, k: k, alpha: alpha, a: aBlock, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c + i0 * ldc, ldc: ldc)
            }
        } else {
            let blocks = (n + 15) / 16
            Compute.parallelRanges(blocks, minimumPerWorker: 4) { _, r in
                let j0 = r.lowerBound * 16, j1 = min(n, r.upperBound * 16)
                let bBlock = transB ? b + j0 * ldb : b + j0
                sgemm(transA: transA, transB: transB, m: m, n: j1 - j0, k: k, alpha: alpha, a: a, lda: lda,
                      b: bBlock, ldb: ldb, beta: beta, c: c + j0, ldc: ldc)
            }
        }
    }

    /// OpenBLAS's own sgemm rate (GFLOP/s) on square n×n matrices with its own threading set
    /// to `threads`, measured for about `seconds`. Restores single-threaded OpenBLAS after.
    public static func measureOpenBLASRate(size n: Int = 2048, threads: Int, seconds: Double = 1.0) -> Double {
        let a = Tensor(shape: [n, n]), b = Tensor(shape: [n, n]), c = Tensor(shape: [n, n])
        var rng = RandomGenerator(seed: 1)
        rng.fillUniform(a.buffer, low: -1, high: 1)
        rng.fillUniform(b.buffer, low: -1, high: 1)
        Compute.ensureConfigured()
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        let run = {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        a.pointer, Int32(n), b.pointer, Int32(n), 0, c.pointer, Int32(n))
        }
        run()  // warm up the thread pool and caches
        let start = monotonicSeconds()
        var reps = 0
        var elapsed = 0.0
        repeat {
            run()
            reps += 1
            elapsed = monotonicSeconds() - start
        } while elapsed < seconds
        return 2.0 * Double(n) * Double(n) * Double(n) * Double(reps) / elapsed / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
