#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// What `render --out` names, one rule for the desktop and the board build (docs/runtime.md,
/// "render --out"): a path ending in `/`, or an existing directory, receives numbered PNG frames
/// (`DIR/frame-000000.png`, ...); anything else is one animated PNG. A missing folder — the
/// frame directory itself, or the animation's parent folders — is created before any work, as
/// the trainer creates its run folder (`makeDirectories`).
public enum RenderOutput {
    /// Whether `out` receives numbered PNG frames rather than one animated PNG.
    public static func writesFrames(_ out: String) -> Bool {
        out.hasSuffix("/") || isDirectory(out)
    }

    /// Before the model is loaded (docs/reliability.md#outputs): `out` is checked by
    /// OutputCheck's rule (not empty, not one of `inputs`, a trained model only with `force`),
    /// its missing folders are created, and temporaries that a killed duralava left there are
    /// removed. Returns one note per removed temporary, for stderr.
    public static func prepare(_ out: String, inputs: [(String, String)] = [], force: Bool = false) throws(FileError) -> [String] {
        if writesFrames(out) {
            try OutputCheck.outputDirectory(out)
            try makeDirectories(out)
            return sweepStaleTemporaries(in: out).map { "removed \(framePath(out, name: $0)), left by an interrupted duralava" }
        }
        // "" has the folder "." and is refused by outputFile.
        let folder = OutputCheck.directoryPart(of: out)
        if !isDirectory(folder) { try makeDirectories(folder) }
        try OutputCheck.outputFile(out, inputs: inputs, force: force)
        return sweepStaleTemporaries(of: out).map { "removed \(folder)/\($0), left by an interrupted duralava" }
    }

    /// The path of frame `index` in the frame directory `out`.
    public static func framePath(_ out: String, _ index: Int) -> String {
        framePath(out, name: "frame-" + zeroPadded(index, 6) + ".png")
    }

    private static func framePath(_ out: String, name: String) -> String {
        (out.hasSuffix("/") ? out : out + "/") + name
    }

    /// The line a finished render prints on stdout.
    public static func summary(_ out: String, frames: Int, width: Int, height: Int) -> String {
        let what = writesFrames(out) ? "\(frames) PNG frames in \(out)" : "\(out) (APNG, \(frames) frames, loops forever)"
        return "wrote \(what), \(width)x\(height)"
    }
}
