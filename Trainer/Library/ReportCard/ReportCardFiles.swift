// Writing the report card: report.json, report.md and the PNG plots in one directory
// (created if missing). Every error names the file it concerns.

import DuralavaMeasure
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
        do {
            try writeFileAtomically(path("report.json"), [Array((json.serialized() + "\n").utf8)])
            written.append(path("report.json"))
            try writeFileAtomically(path("report.md"), [Array(markdown.utf8)])
            written.append(path("report.md"))
        } catch let e as FileError {
            throw EvalError(path: e.path, message: e.message)
        }
        let plots: [(String, EvalPlotCanvas)] = [
            ("frame-change.png", frameChangePlot()), ("latent-moments.png", latentMomentsPlot()),
            ("windows.png", windowsPlot()), ("frames-strip.png", framesStrip()),
        ]
        for (name, canvas) in plots {
            do { try writePNG(path: path(name), width: canvas.width, height: canvas.height, rgb: canvas.pixels) }
            catch let e as OutputError { throw EvalError(path: e.path, message: e.message) }
            written.append(path(name))
        }
        return written
    }
}
