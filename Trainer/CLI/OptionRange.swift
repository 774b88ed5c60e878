import ArgumentParser
import DuralavaRuntime

/// Parse-time check of path options: an empty path is a one-line error, never the filesystem
/// root (docs/reliability.md#outputs).
enum PathOptions {
    static func check(_ options: [(String, String?)]) throws {
        if let problem = OutputCheck.emptyPathProblem(options) { throw ValidationError(problem) }
    }

    /// An output directory checked before any work: not empty, not a file.
    static func directory(_ path: String, option: String = "out") throws {
        do throws(FileError) { try OutputCheck.outputDirectory(path, option: option) } catch { throw ValidationError(error.description) }
    }

    /// Before a command writes into `directory`: temporaries a killed duralava left there are
    /// swept (only its own, only a dead writer's), and the ones this command writes are removed
    /// if a signal stops it (docs/reliability.md#outputs).
    static func prepareOutput(in directory: String) {
        if isDirectory(directory) {
            for name in sweepStaleTemporaries(in: directory) { printError("removed \(directory)/\(name), left by an interrupted duralava") }
        }
        removeTemporariesOnSignals()
    }
}

/// Parse-time checks of numeric options (docs/reliability.md#options): a value outside its range is a one-line
/// error naming the option, the range and why, before any work starts — not a trap, a hang
/// or a failure after hours of training.
enum OptionRange {
    static func check(_ name: String, _ value: Int?, _ range: ClosedRange<Int>, _ why: String) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }

    /// NaN and infinities are always refused.
    static func check<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ name: String, _ value: F?, _ range: ClosedRange<F>, _ why: String
    ) throws {
        guard let value, !(value.isFinite && range.contains(value)) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }
}
