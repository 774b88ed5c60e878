// Writing simulated frames to disk (numbered PNG frames or one animated PNG preview)
// and measuring the simulator's speed: the work behind `duralava-train simulate`.

import DuralavaRuntime
import LampOutput
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum SimulatorExport {
    public enum Destination: Equatable, Sendable {
        /// Numbered PNG frames in a directory (created if missing).
        case directory(String)
        /// One animated PNG that loops forever.
        case animatedPNG(String)
    }

    /// `lamp.png` (a path ending in .png that is not an existing directory) means an
    /// animated PNG; anything else is a directory of frames.
    public static func destination(for path: String) -> Destination {
        var st = stat()
        let isDirectory = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        if !isDirectory && !path.hasSuffix("/") && path.lowercased().hasSuffix(".png") { return .animatedPNG(path) }
        return .directory(path)
    }

    /// Name of frame `index` (0-based) of `total`: frame_000001.png, ... (1-based like
    /// ffmpeg's %06d, so a directory of simulator frames looks like extracted footage).
    public static func frameFileName(index: Int, total: Int) -> String {
        let digits = max(6, String(total).count)
        let number = String(index + 1)
        return "frame_" + String(repeating: "0", count: max(0, digits - number.count)) + number + ".png"
    }

    /// Display time of one frame as an APNG delay fraction (seconds = numerator/denominator).
    public static func frameDelay(fps: Double) -> (numerator: UInt16, denominator: UInt16) {
        APNGWriter.frameDelay(framesPerSecond: fps)
    }

    /// Renders `frames` frames of `simulator` into `destination`. `progress` is called
    /// after each frame with the number written so far.
    public static func write(_ simulator: LavaLampSimulator, frames: Int, to destination: Destination,
                             progress: ((Int) -> Void)? = nil) throws {
        precondition(frames > 0, "nothing to write")
        var rgb = [UInt8](repeating: 0, count: simulator.frameValueCount)
        switch destination {
        case .directory(let path):
            do { try makeDirectories(path) } catch {
                throw FrameDataError.cannotCreateDirectory(path: error.path, reason: error.message)
            }
            for k in 0..<frames {
                simulator.nextFrame(into: &rgb)
                let file = FrameDirectoryDataset.join(path, frameFileName(index: k, total: frames))
                try writePNG(path: file, width: simulator.width, height: simulator.height, rgb: rgb)
                progress?(k + 1)
            }
        case .animatedPNG(let path):
            let delay = frameDelay(fps: simulator.fps)
            let writer = try APNGWriter(path: path, width: simulator.width, height: simulator.height,
                                        frameCount: frames, delayNumerator: delay.numerator,
                                        delayDenominator: delay.denominator)
            for k in 0..<frames {
                simulator.nextFrame(into: &rgb)
                try writer.append(rgb: rgb)
                progress?(k + 1)
            }
            try writer.finish()
        }
    }

    /// Renders `frames` frames as 8-bit RGB without writing them (physics, rendering and
    /// conversion, on the calling thread) and returns the rate achieved.
    public static func measureFramesPerSecond(_ simulator: LavaLampSimulator, frames: Int) -> (seconds: Double, framesPerSecond: Double) {
        var rgb = [UInt8](repeating: 0, count: simulator.frameValueCount)
        var checksum: UInt64 = 0
        let start = monotonicSeconds()
        rgb.withUnsafeMutableBufferPointer { buffer in
            for _ in 0..<frames {
                simulator.nextFrame(into: buffer)
                checksum &+= UInt64(buffer[buffer.count / 2])
            }
        }
        let seconds = max(monotonicSeconds() - start, 1e-9)
        // Keep the frames observable so the optimiser cannot drop the rendering.
        if checksum == UInt64.max { print("") }
        return (seconds, Double(frames) / seconds)
    }
}
