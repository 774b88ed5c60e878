// Splitting a batch of frames, or the rows of a matrix, into tasks for the workers, and the
// reductions that keep results independent of how tasks land on threads.

/// Fixed number of task groups for chunked convolutions and row reductions: enough for load
/// balance on a few cores, independent of the thread count (results depend on it).
let reductionTasks = 8

/// How a convolution over `frames` frames is cut: chunks of `framesPerChunk` (their column
/// matrix fits the scratch target), grouped into at most `reductionTasks` contiguous groups.
struct FrameChunking {
    let frames: Int
    let framesPerChunk: Int
    let chunks: Int
    let groups: Int

    init(frames: Int, floatsPerFrame: Int) {
        self.frames = frames
        var per = max(1, Scratch.columnBufferFloats / max(floatsPerFrame, 1))
        per = min(per, max(1, (frames + reductionTasks - 1) / reductionTasks))
        framesPerChunk = per
        chunks = frames == 0 ? 0 : (frames + per - 1) / per
        groups = min(chunks, reductionTasks)
    }

    /// Chunk indices of group g.
    func chunkRange(group g: Int) -> Range<Int> { (chunks * g / groups)..<(chunks * (g + 1) / groups) }
}

/// Runs `body(worker, group, firstFrame, endFrame, isFirstInGroup, parallelGEMM)` over every
/// chunk. Groups are claimed dynamically; chunks within a group run in order on one worker.
/// With a single group, `parallelGEMM` is true and the body should use
/// `GEMM.parallelSgemm` so all workers still take part.
func forEachFrameChunk(_ c: FrameChunking,
                       _ body: (_ worker: Int, _ group: Int, _ first: Int, _ end: Int, _ firstInGroup: Bool, _ parallelGEMM: Bool) -> Void) {
    if c.chunks == 0 { return }
    let single = c.groups == 1
    Compute.parallelTasks(c.groups) { w, g in
        for ch in c.chunkRange(group: g) {
            body(w, g, ch * c.framesPerChunk, min(c.frames, (ch + 1) * c.framesPerChunk),
                 ch == c.chunkRange(group: g).lowerBound, single)
        }
    }
}

@inline(__always)
func gemm(parallel: Bool, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if parallel {
        GEMM.parallelSgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                           beta: beta, c: c, ldc: ldc)
    } else {
        GEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                   beta: beta, c: c, ldc: ldc)
    }
}

/// Weight-gradient accumulation for the chunked convolutions: one partial per group
/// (written with beta = 0 by the group's first chunk, then accumulated), added into the
/// parameter gradient in group order. A single group accumulates straight into the gradient.
struct WeightGradientPartials {
    let gradient: UnsafeMutablePointer<Float>
    let count: Int
    let groups: Int
    let partials: UnsafeMutablePointer<Float>?

    init(gradient: UnsafeMutablePointer<Float>, count: Int, groups: Int) {
        self.gradient = gradient
        self.count = count
        self.groups = groups
        partials = groups > 1 ? Scratch.shared(count: groups * count) : nil
    }

    /// Destination and beta for a chunk of group g.
    func target(group g: Int, firstInGroup: Bool) -> (pointer: UnsafeMutablePointer<Float>, beta: Float) {
        guard let partials else { return (gradient, 1) }
        return (partials + g * count, firstInGroup ? 0 : 1)
    }

    func finish() {
        guard let partials else { return }
        let n = count, gr = gradient, groups = groups
        Compute.parallelRanges(n, minimumPerWorker: 1 << 14) { _, r in
            for g in 0..<groups {
                let p = partials + g * n
                for i in r { gr[i] += p[i] }
            }
        }
    }
}

/// m[r, :] += v for every row, split across workers for large matrices.
func addRowVector(_ m: UnsafeMutablePointer<Float>, rows: Int, columns: Int, _ v: UnsafePointer<Float>) {
    Compute.parallelRanges(rows, minimumPerWorker: max(1, 32768 / max(columns, 1))) { _, r in
        for i in r {
            let row = m + i * columns
            for j in 0..<columns { row[j] += v[j] }
        }
    }
}

/// out[j] += Σ_r m[r, j]: fixed row blocks, one Double partial each, added in block order.
func parallelColumnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, accumulateInto out: UnsafeMutablePointer<Float>) {
    var sums = [Double](repeating: 0, count: columns)
    reduceRows(rows: rows, columns: columns, into: &sums) { r, acc in
        let row = m + r * columns
        for j in 0..<columns { acc[j] += row[j] }
    }
    for j in 0..<columns { out[j] += Float(sums[j]) }
}

/// Σ over rows of a per-row contribution into `columns` Double sums. Rows are cut into a
/// fixed number of blocks (independent of the thread count); within a block, rows are added
/// into Float sums of 64 rows (vectorisable) that are flushed into the block's Double
/// partial; partials are added in block order.
func reduceRows(rows: Int, columns: Int, into result: inout [Double],
                _ addRow: (_ row: Int, _ acc: UnsafeMutablePointer<Float>) -> Void) {
    let blocks = max(1, min(reductionTasks, rows / max(1, 32768 / max(columns, 1))))
    let partial = UnsafeMutablePointer<Double>.allocate(capacity: blocks * columns)
    partial.initialize(repeating: 0, count: blocks * columns)
    defer { partial.deallocate() }
    Compute.parallelTasks(blocks) { _, b in
        let block = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { block.deallocate() }
        let acc = partial + b * columns
        var r = rows * b / blocks
        let end = rows * (b + 1) / blocks
        while r < end {
            let stop = min(end, r + 64)
            block.initialize(repeating: 0, count: columns)
            for i in r..<stop { addRow(i, block) }
            for j in 0..<columns { acc[j] += Double(block[j]) }
            r = stop
        }
    }
    for b in 0..<blocks { for j in 0..<columns { result[j] += partial[b * columns + j] } }
}
