import DuralavaSIMD

/// The optimized kernels against the reference ones on this machine, at the vector level in
/// use — what a board runs after installation (`duralava selftest`) to know that the kernels
/// compiled for it compute what they should: int8 bit for bit, float within the rounding bound
/// (K + 2)·2⁻²³·Σ|x·w| + 1e-6. Deterministic data; the lamp's layer shapes and odd ones.
public enum KernelCheck {
    /// (inH, inW, cin, cout, k, stride): the lamp's layers and odd shapes (1, 3, 5 channels,
    /// odd and non-square frames, kernels 3 and 5).
    static let shapes: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 1, 64, 256, 4, 4), (4, 4, 256, 128, 4, 2), (8, 8, 128, 64, 4, 2), (32, 32, 32, 3, 4, 2),
        (5, 3, 7, 3, 4, 2), (3, 5, 5, 1, 4, 2), (6, 4, 9, 5, 4, 2), (7, 7, 3, 17, 3, 2), (2, 5, 12, 24, 5, 2),
    ]

    /// The failures (empty when every kernel agrees), how many layer checks ran, and the int8
    /// layouts they ran on (sorted; "signedBytes" is the sdot kernel, "bytes" VNNI's).
    public static func run() -> (checks: Int, failures: [String], layouts: [String]) {
        var failures: [String] = []
        var layouts: [String] = []
        var checks = 0
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        for (h, w, cin, cout, k, s) in shapes {
            let g = TransposedConvGeometry(inputHeight: h, inputWidth: w, inputChannels: cin, outputChannels: cout,
                                           kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s)
            let name = "\(h)x\(w)x\(cin)→\(cout) k\(k) s\(s)"
            // Float.
            let weight = (0..<(k * k * cout * cin)).map { _ in next() * 0.5 }
            let bias = (0..<cout).map { _ in next() }
            let x = (0..<(h * w * cin)).map { _ in next() * 2 }
            let conv = TransposedConv2D(geometry: g, weight: weight, bias: bias)
            var expected = [Float](repeating: 0, count: g.outputCount)
            conv.forward(x, &expected)
            expected.withUnsafeMutableBufferPointer { Activation.leakyReLU(slope: 0.2).apply($0.baseAddress!, count: g.outputCount) }
            var bound = [Float](repeating: 0, count: g.outputCount)
            TransposedConv2D(geometry: g, weight: weight.map { $0 < 0 ? -$0 : $0 }, bias: bias.map { $0 < 0 ? -$0 : $0 })
                .forward(x.map { $0 < 0 ? -$0 : $0 }, &bound)
            var got = [Float](repeating: 0, count: g.outputCount)
            PackedTransposedConv2D(conv, activation: .leakyReLU(slope: 0.2)).forward(x, &got)
            let terms = Float(cin * ((k + s - 1) / s) * ((k + s - 1) / s) + 2)
            if let i = got.indices.first(where: { d(got[$0], expected[$0]) > terms * Float.ulpOfOne * bound[$0] + 1e-6 }) {
                failures.append("float \(name): element \(i) is \(got[i]), reference \(expected[i])")
            }
            checks += 1
            // int8 (int8 in, int8 out) and int16 in (int8 out): codes and raw accumulators.
            let w8 = weight.map { Int8(Swift.max(-127, Swift.min(127, ($0 * 254).rounded()))) }
            let b32 = bias.map { Int32(($0 * 20000).rounded()) }
            let stage = OutputStage(accumulatorScales: (0..<cout).map { _ in Double(2e-4 * (next() + 1.5)) }, slope: 0.2,
                                    output: ActivationQuantization(scale: 0.05, zeroPoint: 3))
            for bits in [8, 16] {
                let zp: Int32 = bits == 8 ? -5 : 700
                let reference = Int8TransposedConv2D(geometry: g, weight: w8, bias: b32, inputZeroPoint: zp, stage: stage)
                let packed = Int8PackedTransposedConv2D(reference, inputBits: bits)
                var e = [Int8](repeating: 0, count: g.outputCount), o = e
                var ea = [Int32](repeating: 0, count: g.outputCount), oa = ea
                if bits == 8 {
                    let x8 = x.map { Int8(Swift.max(-128, Swift.min(127, ($0 * 63).rounded()))) }
                    reference.forward(x8, &e); packed.forward(x8, &o)
                    reference.forwardAccumulators(x8, &ea); packed.forwardAccumulators(x8, &oa)
                } else {
                    let x16 = x.map { Int16(($0 * 16000).rounded()) }
                    reference.forward(x16, &e); packed.forward(x16, &o)
                    reference.forwardAccumulators(x16, &ea); packed.forwardAccumulators(x16, &oa)
                }
                if !layouts.contains(packed.layout.rawValue) { layouts.append(packed.layout.rawValue) }
                if let i = o.indices.first(where: { o[$0] != e[$0] || oa[$0] != ea[$0] }) {
                    failures.append("int8 (\(bits)-bit input, \(packed.layout.rawValue)) \(name): element \(i) is \(o[i]) / \(oa[i]), reference \(e[i]) / \(ea[i])")
                }
                checks += 1
            }
        }
        return (checks, failures, layouts.sorted())
    }

    private static func d(_ a: Float, _ b: Float) -> Float { a > b ? a - b : b - a }

    /// `duralava selftest`, the desktop's and the board build's: runs the checks and returns
    /// the lines to print — one per failure for stderr, the summary for stdout — and the exit status.
    public static func selftest() -> (failureLines: [String], summary: String, status: Int32) {
        let (checks, failures, layouts) = run()
        return (failures.map { "duralava: kernel check failed: \($0)" },
                "kernels (\(KernelSet.vectorLevel)): \(checks - failures.count) of \(checks) checks agree with the reference kernels "
                + "(int8 layouts: \(layouts.joined(separator: ", ")))",
                failures.isEmpty ? 0 : 1)
    }
}
