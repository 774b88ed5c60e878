import ArgumentParser
import CLIOptions
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `duralava info`: what a model file holds.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a model file: architecture, size, provenance.")

    @Option(name: .long, help: "Model file. Default: as for run.")
    var model: String?

    @Flag(name: .long, help: "Also run the lamp 10,000 steps and say whether it is healthy (exit status 1 if not).")
    var check = false

    func validate() throws { try PathOptions.check([("model", model)]) }

    func run() throws {
        let path = ModelLookup.resolve(explicit: model)
        let lamp: LampModel
        do { lamp = try LampModel(path: path) } catch { Duralava.fail("\(error)") }
        let c = lamp.config
        print("model: \(path)")
        print("trained: \(lamp.isTrained ? "yes" : "no (random weights)")")
        print("kind: \(lamp.kindDescription)")
        print("frame: \(c.frameWidth)x\(c.frameHeight), latent \(c.latentDim), step \(c.stepSeconds) s of lamp time")
        print("generator: base \(c.baseWidth)x\(c.baseHeight), channels \(c.channels.map(String.init).joined(separator: ",")), "
              + "\(lamp.generator.multiplyAdds / 1000) k multiply-adds/frame")
        print("rnn: hidden \(c.rnnHidden.map(String.init).joined(separator: ",")), noise \(c.rnnNoiseDim), "
              + "residual \(c.rnnResidual), \(lamp.rnn.multiplyAdds / 1000) k multiply-adds/step")
        for key in lamp.metadata.keys.sorted() where key.hasPrefix("provenance.") || key.hasPrefix("quantization.") || key == "description" {
            print("\(key): \(lamp.metadata[key]!)")
        }
        if check && !HealthCheck.run(model: path) { throw ExitCode(1) }
    }
}

/// `duralava init-random`: the deterministic untrained model the lamp runs before training.
struct InitRandom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-random",
        abstract: "Write a deterministic, randomly initialised (untrained) model.")

    @Option(name: .long, help: "Output model file.")
    var out: String = "models/untrained.safetensors"

    @Option(name: .long, help: "Seed of the weights.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Frame size WxH (each a multiple of 16).")
    var size: String = "64x64"

    @Flag(name: .long, help: "Replace --out even when it holds a trained model.")
    var force = false

    func validate() throws { try PathOptions.check([("out", out)]) }

    func run() throws {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 >= 16 && $0 % 16 == 0 && $0 <= 1024 }) else {
            throw ValidationError("--size must be WxH with multiples of 16, e.g. 64x64")
        }
        var config = RandomModel.defaultConfig
        config.frameWidth = parts[0]; config.frameHeight = parts[1]
        config.baseWidth = parts[0] / 16; config.baseHeight = parts[1] / 16
        OutputPreflight.file(out, force: force)
        removeTemporariesOnSignals()
        do { try RandomModel.writer(config: config, seed: seed).write(to: out) } catch { Duralava.fail("\(error)") }
        print("wrote \(out) (untrained, seed \(seed))")
    }
}
