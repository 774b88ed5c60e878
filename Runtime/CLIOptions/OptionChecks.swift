import ArgumentParser
import DuralavaRuntime

// The parse-time checks of the three desktop programs (duralava, duralava-train,
// duralava-convert), written once; the board build's parser reads the same table
// (OptionRanges) without swift-argument-parser (docs/reliability.md#options).

extension OptionRange {
    /// Throws the one-line usage error when `value` is outside the range; nil (not given) passes.
    public func check(_ value: Value?) throws {
        guard let value, let problem = problem(value) else { return }
        throw ValidationError(problem)
    }
}

/// Parse-time check of path options: an empty path is a one-line error, never the filesystem
/// root (docs/reliability.md#outputs).
public enum PathOptions {
    public static func check(_ options: [(String, String?)]) throws {
        if let problem = OutputCheck.emptyPathProblem(options) { throw ValidationError(problem) }
    }

    /// An output directory checked before any work: not empty, not a file.
    public static func directory(_ path: String, option: String = "out") throws {
        do throws(FileError) { try OutputCheck.outputDirectory(path, option: option) } catch { throw ValidationError(error.description) }
    }

    /// Before a command writes into `directory`: temporaries a killed duralava left there are
    /// swept (only its own, only a dead writer's), and the ones this command writes are removed
    /// if a signal stops it (docs/reliability.md#outputs).
    public static func prepareOutput(in directory: String) {
        if isDirectory(directory) {
            for name in sweepStaleTemporaries(in: directory) { printError("removed \(directory)/\(name), left by an interrupted duralava") }
        }
        removeTemporariesOnSignals()
    }
}
