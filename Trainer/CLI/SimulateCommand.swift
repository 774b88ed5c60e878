import ArgumentParser
import CLIOptions
import DuralavaData
import DuralavaRuntime

/// `duralava-train simulate`: frames of the built-in lava lamp simulator, the trainer's
/// default data, as numbered PNGs or an animated PNG preview.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Render frames of the simulated lava lamp (the trainer's default data).",
        discussion: """
        --out DIR/ writes DIR/frame_000001.png, ... (the layout ffmpeg writes, so the \
        trainer reads simulated and real footage alike); --out lamp.png writes one \
        animated PNG that plays at --fps. --dry-run renders without writing and prints \
        the speed (frames/s on one core) on stderr.
        Palettes: \(LampPalette.all.map(\.name).joined(separator: ", ")).
        """)

    @Option(help: "Number of frames to render.")
    var frames: Int

    @Option(help: "Output: a directory for numbered PNG frames, or a .png file for an animated PNG.")
    var out: String?

    @Option(help: "Frame size, WIDTHxHEIGHT.")
    var size: String = "64x64"

    @Option(help: "Seed: the same seed gives the same lamp, frame for frame.")
    var seed: UInt64 = 0

    @Option(help: "Colour scheme.")
    var palette: String = "classic"

    @Option(help: "Frames per lamp-second (the physics always steps at 60 Hz).")
    var fps: Double = 30

    @Option(name: .customLong("warm-up"), help: "Lamp seconds simulated before the first frame.")
    var warmUp: Double = 300

    @Flag(name: .customLong("dry-run"), help: "Render the frames without writing them and print frames/s on stderr.")
    var dryRun = false

    func validate() throws {
        try OptionRanges.simulateFrames.check(frames)
        try PathOptions.check([("out", out)])
        guard out != nil || dryRun else { throw ValidationError("give --out DIR/ or --out lamp.png (or --dry-run)") }
        _ = try parsedSize()
        guard LampPalette.named(palette) != nil else {
            throw ValidationError("unknown palette '\(palette)'; choose one of \(LampPalette.all.map(\.name).joined(separator: ", "))")
        }
        try OptionRanges.simulateFps.check(fps)
        try OptionRanges.warmUp.check(warmUp)
    }

    func parsedSize() throws -> (width: Int, height: Int) {
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
            throw ValidationError("--size must look like 64x64, not '\(size)'")
        }
        guard (8...4096).contains(w), (8...4096).contains(h) else {
            throw ValidationError("--size \(size): each side must be between 8 and 4096 pixels")
        }
        return (w, h)
    }

    func run() throws {
        let (width, height) = try parsedSize()
        let simulator = LavaLampSimulator(seed: seed, palette: LampPalette.named(palette)!, width: width,
                                          height: height, fps: fps, warmUpSeconds: warmUp)
        if dryRun {
            let (seconds, rate) = SimulatorExport.measureFramesPerSecond(simulator, frames: frames)
            printError("rendered \(frames) frames of \(width)x\(height) in \(NumberFormat.fixed(seconds, 2)) s: "
                       + "\(Int(rate.rounded())) frames/s (one core, physics + rendering, not written)")
            return
        }
        let destination = SimulatorExport.destination(for: out!)
        switch destination {
        case .directory(let path): PathOptions.prepareOutput(in: path)
        case .animatedPNG(let path): PathOptions.prepareOutput(in: OutputCheck.directoryPart(of: path))
        }
        try SimulatorExport.write(simulator, frames: frames, to: destination)
        switch destination {
        case .directory(let path):
            print("wrote \(frames) frames of \(width)x\(height) to \(path) "
                  + "(\(SimulatorExport.frameFileName(index: 0, total: frames)) ... "
                  + "\(SimulatorExport.frameFileName(index: frames - 1, total: frames)))")
        case .animatedPNG(let path):
            print("wrote an animated PNG of \(frames) frames of \(width)x\(height) at \(NumberFormat.fixed(fps, 2)) fps to \(path)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
