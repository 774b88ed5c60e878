import DuralavaSIMD

/// The per-phase plan of an optimized transposed convolution in memory owned by one object: offsets, packed
/// weights and biases of every phase, and the C job descriptions pointing into them.
final class PhaseStorage<Weight, Bias> {
    struct Job {
        var phase: dl_phase
        var grid: dl_pixel_grid
        let tapIn: UnsafePointer<Int32>
        let weights: UnsafePointer<Weight>
        let bias: UnsafePointer<Bias>
    }
    let jobs: [Job]
    let plane: Int
    private let offsets: UnsafeMutableBufferPointer<Int32>
    private let weights: UnsafeMutableBufferPointer<Weight>
    private let biases: UnsafeMutableBufferPointer<Bias>

    /// `fill(phase, taps, weights, bias)` packs one phase; weights hold roundUp(cout, 16) ×
    /// taps × depth elements (zeroed), bias roundUp(cout, 16). `depth` counts one input pixel's
    /// elements in the padded buffer; with `pixelRows` offsets count planar positions.
    init(plan: TransposedConvPhases, depth: Int, pixelRows: Bool, zeroWeight: Weight, zeroBias: Bias,
         fill: (TransposedConvPhases.Phase, [TransposedConvPhases.Tap], UnsafeMutablePointer<Weight>, UnsafeMutablePointer<Bias>) -> Void) {
        let g = plan.geometry
        let coutPadded = (g.outputChannels + 15) / 16 * 16
        let pixels = plan.pixelsPerPhase
        let tapCount = plan.phases.reduce(0) { $0 + $1.taps.count }
        let weightsPerPhase = plan.phases.map { $0.taps.count * depth * coutPadded }
        offsets = .allocate(capacity: plan.phases.count * 2 * pixels + tapCount)
        weights = .allocate(capacity: Swift.max(1, weightsPerPhase.reduce(0, +)))
        weights.initialize(repeating: zeroWeight)
        biases = .allocate(capacity: plan.phases.count * coutPadded)
        biases.initialize(repeating: zeroBias)
        plane = plan.paddedHeight * plan.paddedWidth
        var jobs: [Job] = []
        var o = 0, w = 0
        for (k, phase) in plan.phases.enumerated() {
            let pixelIn = offsets.baseAddress! + o
            let (pin, tin, pout) = plan.offsets(phase, depth: depth)
            for (i, v) in pin.enumerated() { pixelIn[i] = v }
            let pixelOut = pixelIn + pixels
            for (i, v) in pout.enumerated() { pixelOut[i] = v }
            let tapIn = pixelOut + pixels
            let (grid, gridTaps) = plan.pixelGrid(phase)
            for (i, v) in (pixelRows ? gridTaps : tin).enumerated() { tapIn[i] = v }
            o += 2 * pixels + phase.taps.count
            let wp = weights.baseAddress! + w, bp = biases.baseAddress! + k * coutPadded
            fill(phase, phase.taps, wp, bp)
            w += weightsPerPhase[k]
            jobs.append(Job(
                phase: dl_phase(pixel_in: pixelIn, pixel_out: pixelOut, pixels: Int32(pixels), tap_in: tapIn,
                                taps: Int32(phase.taps.count), depth: Int32(depth), cout: Int32(g.outputChannels)),
                grid: dl_pixel_grid(rows: Int32(grid.rows), cols: Int32(grid.columns), in_origin: Int32(grid.inputOrigin),
                                    in_row: Int32(grid.inputRow), plane: Int32(grid.plane), out_origin: Int32(grid.outputOrigin),
                                    out_row: Int32(grid.outputRow), out_col: Int32(grid.outputColumn)),
                tapIn: tapIn, weights: wp, bias: bp))
        }
        self.jobs = jobs
    }

    deinit { offsets.deallocate(); weights.deallocate(); biases.deallocate() }
}
