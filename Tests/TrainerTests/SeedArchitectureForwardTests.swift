// Forward outputs of Conv2D, TransposedConv2D and BatchNorm against independent references:
// small cases worked by hand (the "same"-padding alignment of even kernels), direct loops
// written from the definitions, and numpy (python3), which computes the transposed
// convolution a different way (zero-insertion + flipped-kernel correlation + crop).

import DuralavaNN
import TestSupport
import XCTest
import Foundation
import DuralavaTrainer

final class SeedArchitectureForwardTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    // MARK: worked by hand

    func testConv2DEvenKernelSamePadsBottomRight() {
        // 3×3 input 1…9, 2×2 kernel [[1,2],[3,4]], stride 1, "same": TensorFlow pads one row
        // and column at the bottom/right only, so out[y,x] = 1·in[y,x] + 2·in[y,x+1] + 3·in[y+1,x] + 4·in[y+1,x+1].
        var rng = RandomGenerator(seed: 1)
        let c = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 2, stride: 1, padding: .same, useBias: false, rng: &rng)
        c.weight.value.copy(from: Tensor(shape: [2, 2, 1, 1], values: [1, 2, 3, 4]))
        let x = Tensor(shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(c(x).array, [37, 47, 21, 67, 77, 33, 23, 26, 9])
    }

    func testConv2DKernel4Stride2SamePadsOneEachSide() {
        // 4×4 input, 4×4 kernel, stride 2: total padding 2, one on each side, so output (0,0)
        // covers input rows/cols −1…2 and (1,1) covers 1…4.
        var rng = RandomGenerator(seed: 2)
        let c = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 4, stride: 2, padding: .same, useBias: false, rng: &rng)
        c.weight.value.fill(1)
        let x = Tensor(shape: [1, 4, 4, 1], values: (1...16).map(Float.init))
        // (0,0): rows 0…2 × cols 0…2 = 1+2+3+5+6+7+9+10+11 = 54; (0,1): rows 0…2 × cols 1…3 = 63;
        // (1,0): rows 1…3 × cols 0…2 = 90; (1,1): rows 1…3 × cols 1…3 = 99.
        XCTAssertEqual(c(x).array, [54, 63, 90, 99])
    }

    func testTransposedConv2DAlignment() {
        // Kernel 4, stride 2, p = 1: out[oy, ox] = Σ in[ix] · w[oy + 1, ox − 2·ix + 1].
        // Input 1×2 = [1, 100], w[ky, kx] = 10·ky + kx.
        var rng = RandomGenerator(seed: 3)
        let t = TransposedConv2D(inputChannels: 1, outputChannels: 1, kernelSize: 4, stride: 2, useBias: false, rng: &rng)
        t.weight.value.copy(from: Tensor(shape: [4, 4, 1, 1], values: (0..<16).map { Float(10 * ($0 / 4) + $0 % 4) }))
        let y = t(Tensor(shape: [1, 1, 2, 1], values: [1, 100]))
        XCTAssertEqual(y.shape, [1, 2, 4, 1])
        XCTAssertEqual(y.array, [11, 1012, 1113, 1200, 21, 2022, 2123, 2200])
    }

    func testTransposedConv2DFromOnePixel() {
        // 1×1 input, kernel = stride = 4 (p = 0): the output is the kernel itself.
        var rng = RandomGenerator(seed: 4)
        let t = TransposedConv2D(inputChannels: 1, outputChannels: 1, kernelSize: 4, stride: 4, useBias: false, rng: &rng)
        let w = (0..<16).map { Float($0) }
        t.weight.value.copy(from: Tensor(shape: [4, 4, 1, 1], values: w))
        XCTAssertEqual(t(Tensor(shape: [1, 1, 1, 1], values: [2])).array, w.map { 2 * $0 })
    }

    func testBatchNormWorked() {
        // One channel, values 1…4: mean 2.5, biased variance 1.25.
        let bn = BatchNorm(channels: 1, epsilon: 0, momentum: 0.5)
        bn.gamma.value.fill(2); bn.beta.value.fill(1)
        let y = bn.forward(Tensor(shape: [4, 1], values: [1, 2, 3, 4]), state: bn.makeState(), training: true)
        let s = 1.25.squareRoot()
        for (i, v) in [1.0, 2, 3, 4].enumerated() { XCTAssertEqual(Double(y[i]), 2 * (v - 2.5) / s + 1, accuracy: 1e-6) }
        // Running statistics: 0.5·0 + 0.5·2.5, 0.5·1 + 0.5·(5/3) (unbiased variance).
        XCTAssertEqual(bn.runningMean.value[0], 1.25, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVariance.value[0], Float(0.5 + 0.5 * 5.0 / 3), accuracy: 1e-6)
        // Inference uses them.
        let z = bn.forward(Tensor(shape: [1, 1], values: [2]), state: bn.makeState(), training: false)
        XCTAssertEqual(Double(z[0]), 2 * (2 - 1.25) / (0.5 + 0.5 * 5.0 / 3).squareRoot() + 1, accuracy: 1e-5)
    }

    // MARK: direct loops from the definitions

    /// TensorFlow "same": out = ceil(in/s), total padding max((out−1)s + k − in, 0), top = total/2.
    static func tfSamePad(_ input: Int, _ k: Int, _ s: Int) -> (Int, Int) {
        let out = (input + s - 1) / s
        return (out, max((out - 1) * s + k - input, 0) / 2)
    }

    static func directConv(_ x: Tensor, _ w: Tensor, stride s: Int, same: Bool) -> [Float] {
        let (n, h, wd, ci) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (k, co) = (w.shape[0], w.shape[3])
        let (oh, pt) = same ? tfSamePad(h, k, s) : ((h - k) / s + 1, 0)
        let (ow, pl) = same ? tfSamePad(wd, k, s) : ((wd - k) / s + 1, 0)
        var out = [Float](repeating: 0, count: n * oh * ow * co)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for c in 0..<co {
            var acc = 0.0
            for ky in 0..<k { for kx in 0..<k { for i in 0..<ci {
                let iy = oy * s + ky - pt, ix = ox * s + kx - pl
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                acc += Double(x[((b * h + iy) * wd + ix) * ci + i]) * Double(w[((ky * k + kx) * ci + i) * co + c])
            } } }
            out[((b * oh + oy) * ow + ox) * co + c] = Float(acc)
        } } } }
        return out
    }

    static func directTransposedConv(_ x: Tensor, _ w: Tensor, stride s: Int) -> [Float] {
        let (n, h, wd, ci) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (k, co) = (w.shape[0], w.shape[2])
        let p = max(k - s, 0) / 2
        let (oh, ow) = (h * s, wd * s)
        var out = [Double](repeating: 0, count: n * oh * ow * co)
        for b in 0..<n { for iy in 0..<h { for ix in 0..<wd { for ky in 0..<k { for kx in 0..<k {
            let oy = iy * s + ky - p, ox = ix * s + kx - p
            if oy < 0 || oy >= oh || ox < 0 || ox >= ow { continue }
            for c in 0..<co { for i in 0..<ci {
                out[((b * oh + oy) * ow + ox) * co + c] += Double(x[((b * h + iy) * wd + ix) * ci + i]) * Double(w[((ky * k + kx) * co + c) * ci + i])
            } }
        } } } } }
        return out.map { Float($0) }
    }

    func testConv2DAgainstDirectLoops() {
        var rng = RandomGenerator(seed: 5)
        for (k, s, same, size) in [(4, 2, true, 8), (2, 1, true, 5), (3, 1, true, 6), (3, 2, true, 7), (4, 4, false, 4), (2, 2, false, 6)] {
            let c = Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: k, stride: s, padding: same ? .same : .valid, useBias: false, rng: &rng)
            let x = randomTensor([3, size, size, 3], seed: UInt64(k * 100 + s * 10 + size))
            let d = maxAbsDifference(c(x).array, Self.directConv(x, c.weight.value, stride: s, same: same))
            XCTAssertLessThan(d, 1e-5, "k\(k) s\(s) same \(same)")
        }
    }

    func testTransposedConv2DAgainstDirectLoops() {
        var rng = RandomGenerator(seed: 6)
        for (k, s, size) in [(4, 2, 4), (4, 4, 1), (3, 2, 3), (5, 2, 3), (2, 2, 3), (4, 1, 4)] {
            let t = TransposedConv2D(inputChannels: 4, outputChannels: 3, kernelSize: k, stride: s, useBias: false, rng: &rng)
            let x = randomTensor([2, size, size, 4], seed: UInt64(k * 100 + s * 10 + size))
            let d = maxAbsDifference(t(x).array, Self.directTransposedConv(x, t.weight.value, stride: s))
            XCTAssertLessThan(d, 1e-5, "k\(k) s\(s)")
        }
    }

    // MARK: numpy

    func testAgainstNumpy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duralava-numpy-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func save(_ t: Tensor, _ name: String) throws {
            try Data(buffer: UnsafeBufferPointer(start: t.pointer, count: t.count)).write(to: dir.appendingPathComponent(name))
        }
        func load(_ name: String, _ count: Int) throws -> [Float] {
            let d = try Data(contentsOf: dir.appendingPathComponent(name))
            XCTAssertEqual(d.count, 4 * count, name)
            return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        var rng = RandomGenerator(seed: 7)
        // Conv2D 4×4 stride 2 same on 8×8×3, and 2×2 stride 1 same (even kernel) on 5×5×3.
        let conv = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 4, stride: 2, useBias: true, rng: &rng)
        rng.fillGaussian(conv.bias!.value.buffer)
        let conv2 = Conv2D(inputChannels: 3, outputChannels: 2, kernelSize: 2, stride: 1, useBias: false, rng: &rng)
        let tconv = TransposedConv2D(inputChannels: 4, outputChannels: 3, kernelSize: 4, stride: 2, useBias: true, rng: &rng)
        rng.fillGaussian(tconv.bias!.value.buffer)
        let bn = BatchNorm(channels: 4)
        rng.fillGaussian(bn.gamma.value.buffer, mean: 1, std: 0.5)
        rng.fillGaussian(bn.beta.value.buffer)
        let x = randomTensor([2, 8, 8, 3], seed: 8), x2 = randomTensor([2, 5, 5, 3], seed: 9)
        let xt = randomTensor([2, 4, 4, 4], seed: 10), xb = randomTensor([3, 4, 4, 4], seed: 11, std: 3)
        for (t, n) in [(x, "x"), (x2, "x2"), (xt, "xt"), (xb, "xb"), (conv.weight.value, "cw"), (conv.bias!.value, "cb"),
                       (conv2.weight.value, "cw2"), (tconv.weight.value, "tw"), (tconv.bias!.value, "tb"),
                       (bn.gamma.value, "gamma"), (bn.beta.value, "beta")] { try save(t, n + ".bin") }
        let script = """
        import numpy as np, sys, os
        d = sys.argv[1]
        L = lambda n, s: np.fromfile(os.path.join(d, n + '.bin'), dtype='<f4').astype(np.float64).reshape(s)
        def conv_same(x, w, s):
            n, h, wd, ci = x.shape; k = w.shape[0]
            oh, ow = -(-h // s), -(-wd // s)
            ph, pw = max((oh - 1) * s + k - h, 0), max((ow - 1) * s + k - wd, 0)
            xp = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
            out = np.zeros((n, oh, ow, w.shape[3]))
            for ky in range(k):
                for kx in range(k):
                    patch = xp[:, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s, :]
                    out += np.einsum('nhwc,cd->nhwd', patch, w[ky, kx])
            return out
        def tconv_same(x, w, s):
            # zero-insertion, then correlation with the flipped kernel over a (k-1)-padded
            # grid (the full transposed convolution), then crop p = (k - s) // 2 at the top/left.
            n, h, wd, ci = x.shape; k, co = w.shape[0], w.shape[2]
            dil = np.zeros((n, (h - 1) * s + 1, (wd - 1) * s + 1, ci)); dil[:, ::s, ::s, :] = x
            padded = np.pad(dil, ((0, 0), (k - 1, k - 1), (k - 1, k - 1), (0, 0)))
            wf = w[::-1, ::-1]  # [k, k, co, ci]
            fh, fw = padded.shape[1] - k + 1, padded.shape[2] - k + 1
            full = np.zeros((n, fh, fw, co))
            for ky in range(k):
                for kx in range(k):
                    full += np.einsum('nhwc,dc->nhwd', padded[:, ky:ky + fh, kx:kx + fw, :], wf[ky, kx])
            p = max(k - s, 0) // 2
            return full[:, p:p + h * s, p:p + wd * s, :]
        x = L('x', (2, 8, 8, 3)); cw = L('cw', (4, 4, 3, 4)); cb = L('cb', (4,))
        conv_same(x, cw, 2).__add__(cb).astype('<f4').tofile(os.path.join(d, 'conv_out.bin'))
        conv_same(L('x2', (2, 5, 5, 3)), L('cw2', (2, 2, 3, 2)), 1).astype('<f4').tofile(os.path.join(d, 'conv2_out.bin'))
        (tconv_same(L('xt', (2, 4, 4, 4)), L('tw', (4, 4, 3, 4)), 2) + L('tb', (3,))).astype('<f4').tofile(os.path.join(d, 'tconv_out.bin'))
        xb = L('xb', (3, 4, 4, 4)); mean = xb.mean(axis=(0, 1, 2)); var = xb.var(axis=(0, 1, 2))
        (L('gamma', (4,)) * (xb - mean) / np.sqrt(var + 1e-3) + L('beta', (4,))).astype('<f4').tofile(os.path.join(d, 'bn_out.bin'))
        rv = 0.99 * 1 + 0.01 * xb.var(axis=(0, 1, 2), ddof=1)
        np.concatenate([0.01 * mean, rv]).astype('<f4').tofile(os.path.join(d, 'bn_running.bin'))
        """
        // The shared runner skips when python3 or numpy is missing (the direct-loop references still ran).
        _ = try python(script, [dir.path], modules: "numpy")

        XCTAssertLessThan(maxAbsDifference(conv(x).array, try load("conv_out.bin", 2 * 4 * 4 * 4)), 1e-5, "Conv2D k4 s2")
        XCTAssertLessThan(maxAbsDifference(conv2(x2).array, try load("conv2_out.bin", 2 * 5 * 5 * 2)), 1e-5, "Conv2D k2 s1")
        XCTAssertLessThan(maxAbsDifference(tconv(xt).array, try load("tconv_out.bin", 2 * 8 * 8 * 3)), 1e-5, "TransposedConv2D k4 s2")
        let yb = bn.forward(xb, state: bn.makeState(), training: true)
        XCTAssertLessThan(maxAbsDifference(yb.array, try load("bn_out.bin", xb.count)), 1e-5, "BatchNorm")
        XCTAssertLessThan(maxAbsDifference(bn.runningMean.value.array + bn.runningVariance.value.array,
                                           try load("bn_running.bin", 8)), 1e-6, "BatchNorm running statistics")
    }
}
