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
        return written
    }
}
