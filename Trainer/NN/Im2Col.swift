// im2col / col2im for NHWC images, and the per-worker scratch memory they fill.
//
// A convolution from an image of size inH×inW×inC to outH×outW reads, for output pixel
// (oy, ox) and tap (ky, kx), the input pixel (oy·s + ky − padTop, ox·s + kx − padLeft), or
// zero outside the image. im2col lays those out as one row per output pixel, row length
// kH·kW·inC in (ky, kx, c) order; the convolution is then one GEMM with the weights viewed
// as a (kH·kW·inC)×outC matrix. col2im is the adjoint: it scatter-adds rows back into an
// image. A transposed convolution uses the same geometry with the roles swapped (its large
// output is the "input" image here), so both layers share these two loops.

/// Geometry of a strided 2-D convolution between a large image and a small one.
public struct ConvGeometry: Equatable, Sendable {
    public var inputHeight: Int, inputWidth: Int, inputChannels: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var padTop: Int, padLeft: Int
    public var outputHeight: Int, outputWidth: Int

    /// Row length of the column matrix.
    public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }
    public var outputPixels: Int { outputHeight * outputWidth }
    public var inputPixels: Int { inputHeight * inputWidth }
}

/// Convolution padding, as TensorFlow defines it.
public enum Padding: String, Sendable {
    /// Output = ceil(input / stride); total padding max((out−1)·s + k − in, 0), the smaller
    /// half at the top/left (so an even kernel with stride 1 pads one more at the bottom).
    case same
    /// No padding; output = (input − k) / s + 1.
    case valid

    /// (output size, padding before) along one axis.
    public func resolve(input: Int, kernel: Int, stride: Int) -> (output: Int, padBefore: Int) {
        switch self {
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + kernel - input, 0)
            return (out, total / 2)
        case .valid:
            precondition(input >= kernel, "valid convolution: input \(input) smaller than kernel \(kernel)")
            return ((input - kernel) / stride + 1, 0)
        }
    }
}

/// Fills `col` ([frames·outH·outW, kH·kW·inC]) from `frames` images at `image`.
func im2col(_ g: ConvGeometry, frames: Int, image: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
    let c = g.inputChannels, kw = g.kernelWidth, kh = g.kernelHeight
    let rowLength = g.patchSize, tapRow = kw * c
    let imageSize = g.inputPixels * c
    var dst = col
    for f in 0..<frames {
        let img = image + f * imageSize
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let x0 = ox * g.strideWidth - g.padLeft
                let whole = x0 >= 0 && x0 + kw <= g.inputWidth
                for ky in 0..<kh {
                    let iy = oy * g.strideHeight + ky - g.padTop
                    let d = dst + ky * tapRow
                    if iy < 0 || iy >= g.inputHeight {
                        d.update(repeating: 0, count: tapRow)
                    } else if whole {
                        d.update(from: img + (iy * g.inputWidth + x0) * c, count: tapRow)
                    } else {
                        for kx in 0..<kw {
                            let ix = x0 + kx
                            if ix < 0 || ix >= g.inputWidth {
                                (d + kx * c).update(repeating: 0, count: c)
                            } else {
                                (d + kx * c).update(from: img + (iy * g.inputWidth + ix) * c, count: c)
                            }
                        }
                    }
                }
                dst += rowLength
            }
        }
    }
}

/// Adds the rows of `col` into `frames` images at `image` (which the caller has zeroed or
/// wants accumulated into).
func col2im(_ g: ConvGeometry, frames: Int, col: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>) {
    let c = g.inputChannels, kw = g.kernelWidth, kh = g.kernelHeight
    let rowLength = g.patchSize, tapRow = kw * c
    let imageSize = g.inputPixels * c
    var src = col
    for f in 0..<frames {
        let img = image + f * imageSize
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let x0 = ox * g.strideWidth - g.padLeft
                let lo = max(0, -x0), hi = min(kw, g.inputWidth - x0)  // valid kx range
                for ky in 0..<kh {
                    let iy = oy * g.strideHeight + ky - g.padTop
                    if iy < 0 || iy >= g.inputHeight || lo >= hi { continue }
                    let s = src + ky * tapRow + lo * c
                    let d = img + (iy * g.inputWidth + x0 + lo) * c
                    let n = (hi - lo) * c
                    for i in 0..<n { d[i] += s[i] }
                }
                src += rowLength
            }
        }
    }
}

/// Per-worker scratch buffers, grown on demand and kept for the life of the process, so
/// convolutions allocate nothing after the first step. Worker w only ever touches slot
/// objects of its own index, and layers run one at a time.
public enum Scratch {
    final class Slot {
        var pointer: UnsafeMutablePointer<Float>? = nil
        var capacity = 0
        func get(_ count: Int) -> UnsafeMutablePointer<Float> {
            if count > capacity {
                pointer?.deallocate()
                let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
                pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
                capacity = count
            }
            return pointer!
        }
    }
    static let maxWorkers = Compute.maxThreads
    static let slotsPerWorker = 2
    // nonisolated(unsafe): worker w touches only the slots of its own index, and layers run one
    // at a time (docs/architecture.md, the opt-outs).
    nonisolated(unsafe) static let slots: [Slot] = (0..<(maxWorkers * slotsPerWorker)).map { _ in Slot() }

    /// Scratch memory for `worker`'s buffer number `slot` (0..<2), at least `count` floats.
    static func buffer(worker: Int, slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        precondition(worker < maxWorkers && slot < slotsPerWorker)
        return slots[worker * slotsPerWorker + slot].get(count)
    }

    /// One buffer shared by all workers (per-task partials, each task writing its own part).
    /// nonisolated(unsafe): sized on the calling thread before the tasks start; each task then
    /// writes only its own part.
    nonisolated(unsafe) static let sharedSlot = Slot()
    static func shared(count: Int) -> UnsafeMutablePointer<Float> { sharedSlot.get(count) }

    /// Bytes currently held by scratch buffers.
    public static var bytesHeld: Int { slots.reduce(0) { $0 + $1.capacity * 4 } + sharedSlot.capacity * 4 }

    /// Target size of one column buffer in floats (4 MB): two workers' buffers stay in the
    /// shared L3 cache between im2col and the GEMM that reads them. nonisolated(unsafe): a tuning
    /// knob set between steps (tests, benchmarks), read when a layer plans its chunks, never
    /// while workers run.
    public nonisolated(unsafe) static var columnBufferFloats = 1 << 20
}
