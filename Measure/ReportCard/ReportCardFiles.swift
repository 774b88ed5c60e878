// Writing the report card: report.json, report.md, the SVG plots and the PNG strip of frames in
// one directory (created if missing). Every error names the file it concerns.

import DuralavaRuntime
import LampOutput
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ReportCard {
    /// Writes every file into `directory`; returns their paths.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try makeDirectories(directory)
        func path(_ name: String) -> String { directory.hasSuffix("/") ? directory + name : directory + "/" + name }
        var written: [String] = []
        let texts: [(String, String)] = [
            ("report.json", json.serialized() + "\n"), ("report.md", markdown),
            ("frame-change.svg", frameChangePlot()), ("latent-moments.svg", latentMomentsPlot()), ("windows.svg", windowsPlot()),
        ]
        do {
            for (name, text) in texts {
                try writeTextFile(path(name), text)
                written.append(path(name))
            }
        } catch let e as FileError {
            throw MeasureError(path: e.path, message: e.message)
        }
        let strip = framesStrip()
        do { try writePNG(path: path("frames-strip.png"), width: strip.width, height: strip.height, rgb: strip.pixels) }
        catch let e as OutputError { throw MeasureError(path: e.path, message: e.message) }
        written.append(path("frames-strip.png"))
        if !clip.generated.isEmpty {
            try writeClip(path: path("clip.png"))
            written.append(path("clip.png"))
        }
        return written
    }

    /// clip.png: an animated PNG, the lamp (left) beside the footage (right), one frame per
    /// step shown for one step of lamp time, so motion plays at the footage's own speed.
    func writeClip(path: String) throws {
        let w = config.frameWidth, h = config.frameHeight
        let scale = FrameGrid.scale(frameWidth: w, frameHeight: h, side: 64)
        let first = FrameGrid(rows: [[clip.generated[0], clip.real[0]]], frameWidth: w, frameHeight: h, scale: scale)
        let delay = APNGWriter.frameDelay(framesPerSecond: 1 / reference.stepSeconds)
        do {
            let writer = try APNGWriter(path: path, width: first.width, height: first.height, frameCount: clip.generated.count,
                                        delayNumerator: delay.numerator, delayDenominator: delay.denominator, compression: 9)
            for t in 0..<clip.generated.count {
                let grid = FrameGrid(rows: [[clip.generated[t], clip.real[t]]], frameWidth: w, frameHeight: h, scale: scale)
                do { try writer.append(rgb: grid.pixels) } catch { writer.abandon(); throw error }
            }
            try writer.finish()
        } catch let e as OutputError { throw MeasureError(path: e.path, message: e.message) }
    }
}
