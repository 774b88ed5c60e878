/// Transposed 2-D convolution on channels-last (HWC) images with "same" padding
/// (output = input × stride), as specified in FORMAT.md:
///   out[oy, ox, co] = bias[co] + Σ in[iy, ix, ci] · w[ky, kx, co, ci],  oy = iy·s + ky − p.
/// Computed in gather form: each output pixel visits only the taps whose input position is an
/// integer, which is the sub-pixel decomposition (no multiplies by inserted zeros).
public struct TransposedConv2D {
    public let inputHeight: Int, inputWidth: Int, inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let padTop: Int, padLeft: Int
    /// Weights repacked to [ky, kx, ci, co] so the inner loop runs over contiguous co.
    private let packed: [Float]
    public let bias: [Float]

    public var outputHeight: Int { inputHeight * strideHeight }
    public var outputWidth: Int { inputWidth * strideWidth }

    /// `weight` in file layout [kh, kw, cout, cin].
    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                weight: [Float], bias: [Float]?) {
        precondition(weight.count == kernelHeight * kernelWidth * outputChannels * inputChannels)
        self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.inputChannels = inputChannels; self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth
        self.padTop = Swift.max(kernelHeight - strideHeight, 0) / 2
        self.padLeft = Swift.max(kernelWidth - strideWidth, 0) / 2
        var p = [Float](repeating: 0, count: weight.count)
        for ky in 0..<kernelHeight {
            for kx in 0..<kernelWidth {
                for co in 0..<outputChannels {
                    for ci in 0..<inputChannels {
                        let src = ((ky * kernelWidth + kx) * outputChannels + co) * inputChannels + ci
                        let dst = ((ky * kernelWidth + kx) * inputChannels + ci) * outputChannels + co
                        p[dst] = weight[src]
                    }
                }
            }
        }
        packed = p
        self.bias = bias ?? [Float](repeating: 0, count: outputChannels)
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let sh = strideHeight, sw = strideWidth, cin = inputChannels, cout = outputChannels
        let oh = outputHeight, ow = outputWidth
        packed.withUnsafeBufferPointer { wbuf in
            bias.withUnsafeBufferPointer { b in
                let w = wbuf.baseAddress!
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let acc = output + (oy * ow + ox) * cout
                        for co in 0..<cout { acc[co] = b[co] }
                        // Taps with (oy + p − ky) divisible by the stride: ky ≡ (oy + p) mod s.
                        var ky = (oy + padTop) % sh
                        while ky < kernelHeight {
                            let iy = (oy + padTop - ky) / sh
                            if iy >= 0 && iy < inputHeight {
                                var kx = (ox + padLeft) % sw
                                while kx < kernelWidth {
                                    let ix = (ox + padLeft - kx) / sw
                                    if ix >= 0 && ix < inputWidth {
                                        let x = input + (iy * inputWidth + ix) * cin
                                        let wt = w + (ky * kernelWidth + kx) * cin * cout
                                        for ci in 0..<cin {
                                            let v = x[ci]
                                            let row = wt + ci * cout
                                            for co in 0..<cout { acc[co] += v * row[co] }
                                        }
                                    }
                                    kx += sw
                                }
                            }
                            ky += sh
                        }
                    }
                }
            }
        }
    }
}
