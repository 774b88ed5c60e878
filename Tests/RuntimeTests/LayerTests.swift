import DuralavaKernels
import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// numpy reference of FORMAT.md's generator, written independently in scatter form
/// (each input pixel adds its kernel into the output), with unfolded BatchNorm.
let numpyGenerator = """
import sys, json, numpy as np
from safetensors.numpy import load_file
from safetensors import safe_open
path, z = sys.argv[1], np.array(json.loads(sys.argv[2]), dtype=np.float64)
with safe_open(path, framework="numpy") as f: meta = f.metadata()
t = {k: v.astype(np.float64) for k, v in load_file(path).items()}
chans = [int(c) for c in meta["generator.channels"].split(",")]
eps, slope = float(meta["generator.bn_epsilon"]), float(meta["generator.leaky_slope"])
def tconv(x, w, s):
    h, wd, cin = x.shape
    kh, kw, cout, _ = w.shape
    ph, pw = max(kh - s[0], 0) // 2, max(kw - s[1], 0) // 2
    out = np.zeros((h * s[0], wd * s[1], cout))
    for iy in range(h):
        for ix in range(wd):
            for ky in range(kh):
                for kx in range(kw):
                    oy, ox = iy * s[0] + ky - ph, ix * s[1] + kx - pw
                    if 0 <= oy < out.shape[0] and 0 <= ox < out.shape[1]:
                        out[oy, ox] += w[ky, kx] @ x[iy, ix]
    return out
x = z.reshape(1, 1, -1)
L = len(chans)
for i in range(L + 1):
    w = t[f"generator.tconv{i}.weight"]
    x = tconv(x, w, (w.shape[0], w.shape[1]) if i == 0 else (2, 2))
    if f"generator.tconv{i}.bias" in t: x = x + t[f"generator.tconv{i}.bias"]
    if i < L:
        if f"generator.bn{i}.gamma" in t:
            g, b, m, v = (t[f"generator.bn{i}.{n}"] for n in ("gamma", "beta", "mean", "var"))
            x = (x - m) / np.sqrt(v + eps) * g + b
        x = np.where(x > 0, x, slope * x)
    else:
        x = 1 / (1 + np.exp(-x))
print(" ".join(repr(float(v)) for v in x.ravel()))
"""

final class LayerTests: XCTestCase {
    func testDenseByHand() {
        let d = Dense(inputCount: 3, outputCount: 2, weight: [1, 2, 3, -1, 0.5, 0], bias: [0.5, -1])
        var y = [Float](repeating: 0, count: 2)
        let x: [Float] = [1, -2, 4]
        d.forward(x, &y)
        let expected: [Float] = [9.5, -3] // 1·1 + 2·(−2) + 3·4 + 0.5, −1 − 1 + 0 − 1
        XCTAssertEqual(y, expected)
    }

    /// Stride 2, kernel 4, "same": output 2x2 → 4x4 with p = 1, worked by hand for one channel.
    func testTransposedConvSamePaddingByHand() {
        // Kernel with distinct values w[ky, kx] = 10·ky + kx; input [[1, 0], [0, 0]].
        let w = (0..<16).map { Float(10 * ($0 / 4) + $0 % 4) }
        let conv = TransposedConv2D(inputHeight: 2, inputWidth: 2, inputChannels: 1, outputChannels: 1,
                                    kernelHeight: 4, kernelWidth: 4, strideHeight: 2, strideWidth: 2,
                                    weight: w, bias: nil)
        var out = [Float](repeating: 0, count: 16)
        conv.forward([1, 0, 0, 0], &out)
        // Input (0,0) lands at oy = ky − 1, ox = kx − 1: out[oy][ox] = w[oy+1][ox+1] for oy, ox ≤ 2.
        var expected = [Float](repeating: 0, count: 16)
        for oy in 0...2 { for ox in 0...2 { expected[oy * 4 + ox] = Float(10 * (oy + 1) + ox + 1) } }
        XCTAssertEqual(out, expected)
    }

    func testSigmoidAndLeakyReLU() {
        var x: [Float] = [-2, 0, 3]
        Activation.leakyReLU(slope: 0.2).apply(&x, count: 3)
        XCTAssertEqual(x, [-0.4, 0, 3])
        var s: [Float] = [0, 2]
        Activation.sigmoid.apply(&s, count: 2)
        XCTAssertEqual(s[0], 0.5)
        XCTAssertEqual(s[1], 1 / (1 + expf(-2)), accuracy: 1e-7)
    }

    /// The whole generator (non-square, BatchNorm with non-trivial statistics, biases)
    /// against the numpy reference.
    func testGeneratorMatchesNumpyReference() throws {
        var c = tinyConfig()
        c.frameWidth = 16; c.baseWidth = 4 // non-square: 8 high, 16 wide
        var rng = RandomSource(seed: 5)
        var w = RandomModel.writer(config: c, seed: 11)
        w.add("extra.unused", shape: [1], floats: [0]) // unknown tensors are ignored
        // Give BatchNorm statistics that matter, and a hidden layer a bias.
        let base = try SafetensorsFile(bytes: w.serialized(), path: "m")
        var w2 = SafetensorsWriter()
        w2.metadata = base.metadata
        for (n, info) in base.tensors {
            var v = try base.floats(n)
            if n.contains(".bn") && (n.hasSuffix(".mean") || n.hasSuffix(".beta") || n.hasSuffix(".gamma")) {
                v = v.map { _ in rng.gaussian() * 0.5 + (n.hasSuffix(".gamma") ? 1 : 0) }
            }
            if n.hasSuffix(".var") { v = v.map { _ in 0.2 + rng.uniform() } }
            w2.add(n, shape: info.shape, floats: v)
        }
        w2.add("generator.tconv1.bias", shape: [4], floats: [0.1, -0.2, 0.3, 0])
        let dir = temporaryDirectory()
        let path = dir + "/g.safetensors"
        try w2.write(to: path)
        let model = try LampModel(path: path)
        let z = (0..<8).map { _ in rng.gaussian() }
        let frame = model.generator.frame(for: z)
        let zJSON = "[" + z.map { "\(Double($0))" }.joined(separator: ",") + "]"
        let ref = try python(numpyGenerator, [path, zJSON]).split(separator: " ").map { Float(Double($0.trimmingCharacters(in: .whitespacesAndNewlines))!) }
        XCTAssertEqual(ref.count, 8 * 16 * 3)
        let maxDiff = zip(frame, ref).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(maxDiff, 2e-6)
        XCTAssertGreaterThan(Set(ref.map { ($0 * 100).rounded() }).count, 10, "a frame with structure, not a constant")
    }

    func testRenormalizeAndMoments() {
        var z: [Float] = [1, 2, 3, 4, 10]
        XCTAssertTrue(renormalize(&z, count: 5))
        let m = Moments(z)
        XCTAssertEqual(m.mean, 0, accuracy: 1e-6)
        XCTAssertEqual(m.std, 1, accuracy: 1e-6)
        var flat: [Float] = [3, 3, 3]
        XCTAssertFalse(renormalize(&flat, count: 3))
        XCTAssertEqual(flat, [3, 3, 3])
        var bad: [Float] = [1, .nan]
        XCTAssertFalse(renormalize(&bad, count: 2))
    }
}
