import DuralavaNN
// The reference architecture (docs/design.md#the-reference-system) built from the trainer's layers, with layer names
// that map one to one onto the runtime's tensor names (generator.tconv{i}, rnn.dense{j}).

public enum SeedArchitecture {
    /// z [N, latent] → reshape 1×1 → tconv0 (kernel = stride = base) → BN → LeakyReLU →
    /// [tconv k s2 → BN → LeakyReLU]… → tconv k s2 to 3 channels (+bias) → sigmoid.
    public static func generator(latentDim: Int = 64, base: Int = 4, channels: [Int] = [256, 128, 64, 32],
                                 kernel: Int = 4, leakySlope: Float = 0.2, batchNorm: Bool = true,
                                 initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) -> Sequential {
        generator(latentDim: latentDim, baseHeight: base, baseWidth: base, channels: channels, kernel: kernel,
                  leakySlope: leakySlope, batchNorm: batchNorm, initializer: initializer, rng: &rng)
    }

    /// The same with a rectangular base (frames of baseHeight·2^k × baseWidth·2^k): tconv0's
    /// kernel and stride are baseHeight × baseWidth, the rest are unchanged.
    public static func generator(latentDim: Int = 64, baseHeight: Int, baseWidth: Int, channels: [Int] = [256, 128, 64, 32],
                                 kernel: Int = 4, leakySlope: Float = 0.2, batchNorm: Bool = true,
                                 initializer: Initializer = .glorotUniform, rng: inout RandomGenerator) -> Sequential {
        var layers: [Layer] = [Reshape(name: "reshape", [1, 1, latentDim])]
        var cin = latentDim
        for (i, c) in channels.enumerated() {
            let kh = i == 0 ? baseHeight : kernel, kw = i == 0 ? baseWidth : kernel
            let sh = i == 0 ? baseHeight : 2, sw = i == 0 ? baseWidth : 2
            layers.append(TransposedConv2D(name: "tconv\(i)", inputChannels: cin, outputChannels: c, kernelHeight: kh,
                                           kernelWidth: kw, strideHeight: sh, strideWidth: sw, useBias: !batchNorm,
                                           initializer: initializer, rng: &rng))
            if batchNorm { layers.append(BatchNorm(name: "bn\(i)", channels: c)) }
            layers.append(LeakyReLU(name: "act\(i)", slope: leakySlope))
            cin = c
        }
        layers.append(TransposedConv2D(name: "tconv\(channels.count)", inputChannels: cin, outputChannels: 3,
                                       kernelSize: kernel, stride: 2, useBias: true, initializer: initializer, rng: &rng))
        layers.append(Sigmoid(name: "sigmoid"))
        return Sequential(name: "generator", layers)
    }

    /// x [N, latent + noise] → dense → LeakyReLU → … → dense to latent (the caller
    /// renormalises, see `Renormalize`).
    public static func rnn(latentDim: Int = 64, noiseDim: Int = 0, hidden: [Int] = [512, 512],
                           leakySlope: Float = 0.2, rng: inout RandomGenerator) -> Sequential {
        Sequential(name: "rnn", denseStack(inputs: latentDim + noiseDim, hidden: hidden, outputs: latentDim,
                                           leakySlope: leakySlope, rng: &rng))
    }

    /// dense0 → LeakyReLU → … → dense{hidden.count}: the layers of the RNN and the critics'
    /// dense parts, named as the runtime's tensors are.
    public static func denseStack(inputs: Int, hidden: [Int], outputs: Int, leakySlope: Float,
                           rng: inout RandomGenerator) -> [Layer] {
        var layers: [Layer] = []
        var width = inputs
        for (j, h) in hidden.enumerated() {
            layers.append(Dense(name: "dense\(j)", inputSize: width, outputSize: h, rng: &rng))
            layers.append(LeakyReLU(name: "act\(j)", slope: leakySlope))
            width = h
        }
        layers.append(Dense(name: "dense\(hidden.count)", inputSize: width, outputSize: outputs, rng: &rng))
        return layers
    }

    /// Per-frame encoder: [4×4 stride-2 conv → BN → LeakyReLU] for each of `channels`, then a
    /// 4×4 stride-4 conv to `features` and flatten: frames [N, H, W, 3] → [N, features].
    public static func frameCritic(imageSize: Int = 64, channels: [Int] = [32, 64, 128, 256], features: Int = 128,
                                   leakySlope: Float = 0.2, rng: inout RandomGenerator) -> Sequential {
        frameCritic(imageHeight: imageSize, imageWidth: imageSize, channels: channels, features: features,
                    leakySlope: leakySlope, rng: &rng)
    }

    /// The same for H×W frames: the last conv's kernel and stride cover the remaining grid.
    /// Without `batchNorm` each conv has a bias instead: a critic that judges each frame on its
    /// own, which a gradient penalty needs (BatchNorm makes a frame's score depend on its batch).
    public static func frameCritic(imageHeight: Int, imageWidth: Int, channels: [Int] = [32, 64, 128, 256],
                                   features: Int = 128, leakySlope: Float = 0.2, batchNorm: Bool = true,
                                   inputChannels: Int = 3, rng: inout RandomGenerator) -> Sequential {
        var layers: [Layer] = []
        var cin = inputChannels, height = imageHeight, width = imageWidth
        for (i, c) in channels.enumerated() {
            layers.append(Conv2D(name: "conv\(i)", inputChannels: cin, outputChannels: c, kernelSize: 4, stride: 2,
                                 padding: .same, useBias: !batchNorm, rng: &rng))
            if batchNorm { layers.append(BatchNorm(name: "bn\(i)", channels: c)) }
            layers.append(LeakyReLU(name: "act\(i)", slope: leakySlope))
            cin = c
            height /= 2; width /= 2
        }
        layers.append(Conv2D(name: "conv\(channels.count)", inputChannels: cin, outputChannels: features,
                             kernelHeight: height, kernelWidth: width, strideHeight: height, strideWidth: width,
                             padding: .valid, useBias: true, rng: &rng))
        layers.append(Flatten(name: "flatten"))
        return Sequential(name: "frame_critic", layers)
    }

    /// One step of the recurrent critic: [features, previous state] → 512 → 512 → state (tanh
    /// keeps the carried state bounded).
    public static func recurrentCritic(features: Int = 128, stateSize: Int = 128, hidden: [Int] = [512, 512],
                                       leakySlope: Float = 0.2, rng: inout RandomGenerator) -> Sequential {
        Sequential(name: "recurrent_critic", denseStack(inputs: features + stateSize, hidden: hidden, outputs: stateSize,
                                                        leakySlope: leakySlope, rng: &rng) + [Tanh(name: "tanh")])
    }

    /// State → 512 → one logit per sequence step.
    public static func criticHead(stateSize: Int = 128, hidden: Int = 512, leakySlope: Float = 0.2,
                                  rng: inout RandomGenerator) -> Sequential {
        Sequential(name: "critic_head", denseStack(inputs: stateSize, hidden: [hidden], outputs: 1, leakySlope: leakySlope, rng: &rng))
    }
}
