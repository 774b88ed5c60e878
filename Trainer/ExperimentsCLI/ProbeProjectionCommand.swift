import ArgumentParser
import CLIOptions
import DuralavaData
import DuralavaExperiments
import DuralavaMeasure
import DuralavaRuntime
import DuralavaTrainer

/// `duralava-experiments probe-projection`: an experiment (docs/training.md) on a trained run: the lamp's
/// frames against held-out simulator frames when its latent is put back onto the frame model's
/// manifold, z <- encode(generate(z)), every k steps (k = 0: never).
struct ProbeProjection: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-projection",
        abstract: "Experiment: realism and motion of a trained run's lamp when its latent is projected onto the frame model every k steps.",
        discussion: """
            Needs runs/NAME/checkpoint.safetensors (the encoder) and model.safetensors (the RNN), trained on the \
            simulator. Runs --chains lamps of --steps steps through the runtime's loop; every k steps the latent \
            becomes encode(generate(latent)) with the trainer's encoder and exported generator. Compares their \
            frames with as many held-out simulator frames: both classifier families of the report card \
            (accuracy; 0.5 = indistinguishable), and frame change, blob speed and moving blocks as ratios.
            """)

    @Option(name: .long, help: "Run directory (trained on the simulator).")
    var out: String

    @Option(name: .long, help: "Preset the run was trained with.")
    var preset: String = "default"

    @Option(name: .long, help: "Simulator palette the run was trained on.")
    var palette: String = "classic"

    @Option(name: .long, help: "Seed the run was trained with (the held-out frames use other seeds).")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .upToNextOption, help: "Steps between projections to try (0: never).")
    var every: [Int] = [0, 1, 4, 16]

    @Option(name: .long, help: "Lamps run per setting (each a segment of the frame set).")
    var chains = 8

    @Option(name: .long, help: "Steps per lamp, after a 100-step burn-in.")
    var steps = 250

    func validate() throws {
        try PathOptions.check([("out", out)])
        try OptionRanges.chains.check(chains)
        try OptionRanges.probeSteps.check(steps)
        for k in every { try OptionRanges.projectionEvery.check(k) }
    }

    func run() throws {
        var p: TrainingPreset
        do { p = try TrainingPreset.named(preset) } catch { throw ValidationError("\(error)") }
        guard let pal = LampPalette.named(palette) else { throw ValidationError("unknown --palette \(palette)") }
        let w = p.arch.frameWidth, h = p.arch.frameHeight
        let footage = LampSequences.simulated(count: p.sequences, length: p.sequenceLength, width: w, height: h,
                                              stepSeconds: p.stepSeconds, palette: pal, seed: 1000 + seed)
        let trainer = try LampTrainer(preset: p, data: footage, directory: out, seed: seed) { printError($0) }
        try trainer.resume()
        let model = try LampModel(path: trainer.modelPath)
        // Held-out footage: seeds far from the training ones (as the frame model check's).
        let heldOut = LampSequences.simulated(count: chains, length: steps, width: w, height: h, stepSeconds: p.stepSeconds,
                                              palette: pal, seed: 900_000 + seed)
        let real = heldOut.frameSet(sequences: Array(0..<chains))
        print("| projection every | CNN | linear | frame change | blob speed | moving blocks | off-manifold |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for k in every {
            let r = ProjectionProbe.run(frames: trainer.frames, model: model, real: real, stepSeconds: p.stepSeconds, every: k,
                                        chains: chains, steps: steps, seed: seed)
            let f = { (x: Double) in NumberFormat.fixed(x, 3) }
            print("| \(k == 0 ? "never" : "\(k) steps") | \(f(r.cnnAccuracy)) | \(f(r.linearAccuracy)) | ×\(NumberFormat.fixed(r.frameChangeRatio, 2)) "
                  + "| ×\(NumberFormat.fixed(r.blobSpeedRatio, 2)) | ×\(NumberFormat.fixed(r.movingBlocksRatio, 2)) | \(f(r.offManifold)) |")
        }
    }
}
