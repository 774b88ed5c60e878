/// A strided transposed convolution split into its parity phases (the plan the optimized
/// kernels run): output pixels (oy, ox) with the same (oy mod s_h, ox mod s_w) are reached by
/// the same taps (ky, kx), each from input pixel (m + dy, n + dx) for output (m·s_h + py,
/// n·s_w + px). So each phase is a dense GEMM — pixels × (taps·Cin) → Cout — over an input
/// padded so that every tap of every pixel is in bounds (no branches, no multiplies by the
/// zeros a transposed convolution would insert).
public struct TransposedConvPhases {
    public struct Tap: Equatable {
        public let ky: Int, kx: Int, dy: Int, dx: Int
    }

    public struct Phase {
        public let py: Int, px: Int
        /// In the reference kernel's order (ky, then kx, ascending).
        public let taps: [Tap]
    }

    public let geometry: TransposedConvGeometry
    public let phases: [Phase]
    /// Input pixels of padding on each side of the padded input.
    public let padTop: Int, padBottom: Int, padLeft: Int, padRight: Int

    /// Spare columns right of the padded input: the pixel-row kernels read whole blocks of 16.
    public static let spareColumns = 16

    public init(_ g: TransposedConvGeometry) {
        geometry = g
        var phases: [Phase] = []
        var top = 0, bottom = 0, left = 0, right = 0
        for py in 0..<g.strideHeight {
            for px in 0..<g.strideWidth {
                var taps: [Tap] = []
                var ky = (py + g.padTop) % g.strideHeight
                while ky < g.kernelHeight {
                    let dy = (py + g.padTop - ky) / g.strideHeight
                    var kx = (px + g.padLeft) % g.strideWidth
                    while kx < g.kernelWidth {
                        let dx = (px + g.padLeft - kx) / g.strideWidth
                        taps.append(Tap(ky: ky, kx: kx, dy: dy, dx: dx))
                        top = Swift.max(top, -dy); bottom = Swift.max(bottom, dy)
                        left = Swift.max(left, -dx); right = Swift.max(right, dx)
                        kx += g.strideWidth
                    }
                    ky += g.strideHeight
                }
                phases.append(Phase(py: py, px: px, taps: taps))
            }
        }
        self.phases = phases
        padTop = top; padBottom = bottom; padLeft = left; padRight = right
    }

    public var paddedHeight: Int { geometry.inputHeight + padTop + padBottom }
    /// Includes the spare columns.
    public var paddedWidth: Int { geometry.inputWidth + padLeft + padRight + Self.spareColumns }
    /// Pixels in one phase: every phase covers the whole input grid (output = input × stride).
    public var pixelsPerPhase: Int { geometry.inputHeight * geometry.inputWidth }

    /// Position of input pixel (iy, ix) in the padded image, in pixels.
    @inline(__always)
    public func paddedPosition(_ iy: Int, _ ix: Int) -> Int { (iy + padTop) * paddedWidth + ix + padLeft }

    /// Offsets of a phase for a channels-last padded buffer with `depth` values per pixel:
    /// each pixel's input (tap (0, 0)), each tap relative to it, each pixel's first output.
    public func offsets(_ phase: Phase, depth: Int) -> (pixelIn: [Int32], tapIn: [Int32], pixelOut: [Int32]) {
        let g = geometry
        var pixelIn: [Int32] = [], pixelOut: [Int32] = []
        pixelIn.reserveCapacity(pixelsPerPhase); pixelOut.reserveCapacity(pixelsPerPhase)
        for m in 0..<g.inputHeight {
            for n in 0..<g.inputWidth {
                pixelIn.append(Int32(paddedPosition(m, n) * depth))
                pixelOut.append(Int32(((m * g.strideHeight + phase.py) * g.outputWidth + n * g.strideWidth + phase.px) * g.outputChannels))
            }
        }
        let tapIn = phase.taps.map { Int32(($0.dy * paddedWidth + $0.dx) * depth) }
        return (pixelIn, tapIn, pixelOut)
    }

    /// Offsets of a phase for a planar padded buffer (one plane per channel or channel pair):
    /// the grid of the pixel-row kernels and each tap's offset within a plane.
    public func pixelGrid(_ phase: Phase) -> (grid: PixelGrid, tapIn: [Int32]) {
        let g = geometry
        let grid = PixelGrid(rows: g.inputHeight, columns: g.inputWidth,
                             inputOrigin: paddedPosition(0, 0), inputRow: paddedWidth,
                             plane: paddedHeight * paddedWidth,
                             outputOrigin: (phase.py * g.outputWidth + phase.px) * g.outputChannels,
                             outputRow: g.strideHeight * g.outputWidth * g.outputChannels,
                             outputColumn: g.strideWidth * g.outputChannels)
        return (grid, phase.taps.map { Int32($0.dy * paddedWidth + $0.dx) })
    }
}

/// Where the pixel-row kernels read and write (DuralavaSIMD's dl_pixel_grid, in Swift).
public struct PixelGrid {
    public let rows: Int, columns: Int
    public let inputOrigin: Int, inputRow: Int, plane: Int
    public let outputOrigin: Int, outputRow: Int, outputColumn: Int
}
