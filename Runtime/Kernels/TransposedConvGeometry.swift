/// Shape of a transposed 2-D convolution with "same" padding (output = input × stride), shared
/// by the float and the int8 kernels (FORMAT.md): input (iy, ix) reaches output
/// oy = iy·s + ky − p, ox = ix·s + kx − p, with p = ⌊(k − s)/2⌋.
public struct TransposedConvGeometry: Equatable, Sendable {
    public let inputHeight: Int, inputWidth: Int, inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int

    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int) {
        self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.inputChannels = inputChannels; self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth
    }

    public var outputHeight: Int { inputHeight * strideHeight }
    public var outputWidth: Int { inputWidth * strideWidth }
    public var padTop: Int { Swift.max(kernelHeight - strideHeight, 0) / 2 }
    public var padLeft: Int { Swift.max(kernelWidth - strideWidth, 0) / 2 }
    public var outputCount: Int { outputHeight * outputWidth * outputChannels }
    /// Products summed into one output value at most: input channels × the taps reaching an
    /// output pixel (what an int32 accumulator must hold; `ActivationQuantization.maximumReduction`).
    public var reduction: Int {
        inputChannels * ((kernelHeight + strideHeight - 1) / strideHeight) * ((kernelWidth + strideWidth - 1) / strideWidth)
    }
    /// Multiply-adds of one forward pass (each output pixel visits (k/s)² taps).
    public var multiplyAdds: Int {
        outputCount * inputChannels * (kernelHeight / strideHeight) * (kernelWidth / strideWidth)
    }

    /// Calls `body(iy, ix, ky, kx)` for every tap that reaches output pixel (oy, ox): only taps
    /// with (o + p − k) divisible by the stride, which is the sub-pixel decomposition (no
    /// multiplies by inserted zeros).
    @inline(__always)
    public func forEachTap(oy: Int, ox: Int, _ body: (Int, Int, Int, Int) -> Void) {
        var ky = (oy + padTop) % strideHeight
        while ky < kernelHeight {
            let iy = (oy + padTop - ky) / strideHeight
            if iy >= 0 && iy < inputHeight {
                var kx = (ox + padLeft) % strideWidth
                while kx < kernelWidth {
                    let ix = (ox + padLeft - kx) / strideWidth
                    if ix >= 0 && ix < inputWidth { body(iy, ix, ky, kx) }
                    kx += strideWidth
                }
            }
            ky += strideHeight
        }
    }
}
