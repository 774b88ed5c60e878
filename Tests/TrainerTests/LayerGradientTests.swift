import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer

final class LayerGradientTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    func testDense() {
        var rng = RandomGenerator(seed: 1)
        let d = Dense(inputSize: 7, outputSize: 5, rng: &rng)
        rng.fillGaussian(d.bias!.value.buffer, std: 0.3)
        checkGradients(d, input: randomTensor([4, 7], seed: 2))
    }

    func testDenseWithoutBias() {
        var rng = RandomGenerator(seed: 3)
        checkGradients(Dense(inputSize: 6, outputSize: 3, useBias: false, rng: &rng), input: randomTensor([3, 6], seed: 4))
    }

    func testConv2DStride2SamePadding() {
        var rng = RandomGenerator(seed: 5)
        let c = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 4, stride: 2, padding: .same, rng: &rng)
        rng.fillGaussian(c.bias!.value.buffer, std: 0.3)
        checkGradients(c, input: randomTensor([2, 6, 6, 3], seed: 6))
    }

    func testConv2DEvenKernelStride1Same() {
        var rng = RandomGenerator(seed: 7)
        checkGradients(Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 2, stride: 1, padding: .same, rng: &rng),
                       input: randomTensor([2, 5, 4, 2], seed: 8))
    }

    func testConv2DOddKernelSameAndValid() {
        var rng = RandomGenerator(seed: 9)
        checkGradients(Conv2D(inputChannels: 2, outputChannels: 2, kernelSize: 3, stride: 2, padding: .same, rng: &rng),
                       input: randomTensor([1, 5, 5, 2], seed: 10))
        checkGradients(Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: 2, stride: 2, padding: .valid, rng: &rng),
                       input: randomTensor([2, 4, 4, 3], seed: 11))
    }

    func testConv2DManyChunksMatchesOneChunk() {
        // Splitting the batch into chunks across workers must not change the result.
        var rng = RandomGenerator(seed: 12)
        let c = Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: 4, stride: 2, rng: &rng)
        let x = randomTensor([9, 8, 8, 4], seed: 13)
        let saved = Scratch.columnBufferFloats
        defer { Scratch.columnBufferFloats = saved }
        func run() -> ([Float], [Float], [Float]) {
            let s = c.makeState()
            let y = c.forward(x, state: s, training: true)
            c.weight.zeroGradient()
            let dx = c.backward(y, state: s)
            return (y.array, dx.array, c.weight.gradient.array)
        }
        Scratch.columnBufferFloats = 1 << 22
        let one = run()
        Scratch.columnBufferFloats = 16 * 64  // one frame per chunk
        let many = run()
        XCTAssertLessThan(maxAbsDifference(one.0, many.0), 1e-5)
        XCTAssertLessThan(maxAbsDifference(one.1, many.1), 1e-5)
        XCTAssertLessThan(maxAbsDifference(one.2, many.2), 1e-4)
    }

    func testTransposedConv2DStride2() {
        var rng = RandomGenerator(seed: 14)
        let t = TransposedConv2D(inputChannels: 3, outputChannels: 2, kernelSize: 4, stride: 2, rng: &rng)
        rng.fillGaussian(t.bias!.value.buffer, std: 0.3)
        checkGradients(t, input: randomTensor([2, 3, 3, 3], seed: 15))
    }

    func testTransposedConv2DFromLatent() {
        // The generator's first layer: 1×1 input, kernel = stride = 4.
        var rng = RandomGenerator(seed: 16)
        checkGradients(TransposedConv2D(inputChannels: 5, outputChannels: 2, kernelSize: 4, stride: 4, useBias: false, rng: &rng),
                       input: randomTensor([3, 1, 1, 5], seed: 17))
    }

    func testTransposedConv2DOddKernel() {
        var rng = RandomGenerator(seed: 18)
        checkGradients(TransposedConv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, rng: &rng),
                       input: randomTensor([2, 3, 2, 2], seed: 19))
    }

    func testBatchNormTraining() {
        let bn = BatchNorm(channels: 3)
        var rng = RandomGenerator(seed: 20)
        rng.fillGaussian(bn.gamma.value.buffer, mean: 1, std: 0.3)
        rng.fillGaussian(bn.beta.value.buffer, std: 0.3)
        checkGradients(bn, input: randomTensor([4, 2, 2, 3], seed: 21, std: 2), training: true)
    }

    func testBatchNormTrainingDense() {
        let bn = BatchNorm(channels: 5)
        checkGradients(bn, input: randomTensor([6, 5], seed: 22), training: true)
    }

    func testBatchNormInference() {
        let bn = BatchNorm(channels: 3)
        var rng = RandomGenerator(seed: 23)
        rng.fillGaussian(bn.gamma.value.buffer, mean: 1, std: 0.3)
        rng.fillGaussian(bn.runningMean.value.buffer, std: 0.5)
        rng.fillUniform(bn.runningVariance.value.buffer, low: 0.5, high: 2)
        checkGradients(bn, input: randomTensor([3, 2, 2, 3], seed: 24), training: false)
    }

    func testActivations() {
        let x = randomTensor([3, 7], seed: 25, awayFromZero: 0.05)
        checkGradients(LeakyReLU(slope: 0.2), input: x)
        checkGradients(ReLU(), input: x)
        checkGradients(Sigmoid(), input: x)
        checkGradients(Tanh(), input: x)
    }

    func testReshapeAndFlatten() {
        let x = randomTensor([2, 2, 3, 2], seed: 26)
        checkGradients(Flatten(), input: x)
        checkGradients(Reshape([3, 4]), input: x)
        XCTAssertEqual(Flatten()(x).shape, [2, 12])
    }

    func testRenormalize() {
        checkGradients(Renormalize(), input: randomTensor([3, 6], seed: 27, std: 2))
        let y = Renormalize()(randomTensor([2, 64], seed: 28, std: 3))
        let m = MomentPenalty.moments(y.pointer, count: 64)
        XCTAssertEqual(m.mean, 0, accuracy: 1e-6)
        XCTAssertEqual(m.std, 1, accuracy: 1e-5)
    }

    func testSequentialChain() {
        var rng = RandomGenerator(seed: 29)
        let net = Sequential(name: "net", [
            Conv2D(name: "conv", inputChannels: 2, outputChannels: 3, kernelSize: 4, stride: 2, useBias: false, rng: &rng),
            BatchNorm(name: "bn", channels: 3),
            LeakyReLU(slope: 0.2),
            Flatten(),
            Dense(name: "fc", inputSize: 12, outputSize: 2, rng: &rng),
        ])
        XCTAssertEqual(net.parameters.map { $0.name },
                       ["net.conv.weight", "net.bn.gamma", "net.bn.beta", "net.bn.running_mean", "net.bn.running_var",
                        "net.fc.weight", "net.fc.bias"])
        checkGradients(net, input: randomTensor([3, 4, 4, 2], seed: 30))
    }

    func testConcat() {
        let a = randomTensor([3, 2], seed: 31), b = randomTensor([3, 4], seed: 32)
        let c = Concat(), s = c.makeState()
        let y = c.forward([a, b], state: s)
        XCTAssertEqual(y.shape, [3, 6])
        XCTAssertEqual(y[6 + 1], a[2 + 1])
        XCTAssertEqual(y[6 + 2 + 3], b[4 + 3])
        // L = Σ r·y, so ∂L/∂input is r split by columns; check numerically too.
        let r = randomTensor([3, 6], seed: 33)
        let grads = c.backward(r, state: s)
        for (k, x) in [a, b].enumerated() {
            for i in 0..<x.count {
                let saved = x[i]
                x[i] = saved + 0.01
                let lp = projection(c.forward([a, b], state: c.makeState()), r)
                x[i] = saved - 0.01
                let lm = projection(c.forward([a, b], state: c.makeState()), r)
                x[i] = saved
                XCTAssertEqual(Double(grads[k][i]), (lp - lm) / 0.02, accuracy: 1e-4)
            }
        }
    }

    func testConvolutionsIndependentOfThreadCount() {
        var rng = RandomGenerator(seed: 37)
        let c = Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 4, stride: 2, rng: &rng)
        let t = TransposedConv2D(inputChannels: 16, outputChannels: 8, kernelSize: 4, stride: 2, rng: &rng)
        let bn = BatchNorm(channels: 16)
        let net = Sequential(name: "n", [c, bn, LeakyReLU(), t])
        let x = randomTensor([40, 16, 16, 8], seed: 38)
        func run(_ threads: Int) -> [Float] {
            Compute.threads = threads
            zeroGradients(net.parameters)
            let s = net.makeState()
            let y = net.forward(x, state: s, training: true)
            let dx = net.backward(y, state: s)
            return y.array + dx.array + net.trainableParameters.flatMap { $0.gradient.array }
        }
        let two = run(2), one = run(1), three = run(3)
        Compute.threads = 2
        XCTAssertEqual(two, one)
        XCTAssertEqual(two, three)
    }

    func testBackwardOptions() {
        var rng = RandomGenerator(seed: 34)
        let d = Dense(inputSize: 4, outputSize: 3, rng: &rng)
        let x = randomTensor([2, 4], seed: 35), r = randomTensor([2, 3], seed: 36)
        let s = d.makeState()
        _ = d.forward(x, state: s, training: true)
        d.weight.zeroGradient()
        XCTAssertNil(d.backward(r, state: s, options: .parametersOnly))
        let g1 = d.weight.gradient.array
        XCTAssertNotEqual(g1, [Float](repeating: 0, count: 12))
        _ = d.backward(r, state: s, options: .inputOnly)
        XCTAssertEqual(d.weight.gradient.array, g1, "inputOnly must not touch parameter gradients")
        _ = d.backward(r, state: s, options: .all)
        XCTAssertEqual(d.weight.gradient.array, g1.map { 2 * $0 }, "gradients accumulate")
    }
}
