#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Finds the model file: --model, else $DURALAVA_MODEL, else the shipped models/ directory
/// (next to the working directory, or beside the executable's package checkout).
public enum ModelLookup {
    public static let shippedNames = ["default.safetensors", "untrained.safetensors"]

    /// The model's path; the error's text is the one line to show.
    public static func find(explicit: String?) throws(FileError) -> String {
        if let explicit {
            guard !explicit.isEmpty else { throw FileError(path: "--model \"\"", message: emptyPathMessage) }
            guard fileExists(explicit) else { throw FileError(path: explicit, message: "no such model file") }
            return explicit
        }
        if let env = getenv("DURALAVA_MODEL").map({ String(cString: $0) }), !env.isEmpty {
            guard fileExists(env) else { throw FileError(path: "\(env) (from $DURALAVA_MODEL)", message: "no such model file") }
            return env
        }
        for dir in candidateDirectories() {
            for name in shippedNames where fileExists(dir + "/" + name) { return dir + "/" + name }
        }
        throw FileError(path: "no model found", message: "pass --model PATH, set $DURALAVA_MODEL, or run `make run` in the duralava checkout "
                        + "(it writes models/untrained.safetensors); train one with `duralava-train train`")
    }

    public static func candidateDirectories() -> [String] {
        var dirs = ["models"]
        // .build/release/duralava → the checkout's models/; /usr/local/bin/duralava → /usr/local/share/duralava/models.
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 {
            let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var parts = exe.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            parts.removeLast()
            let binDir = parts.joined(separator: "/")
            dirs.append(binDir + "/../../models")
            dirs.append(binDir + "/../../../models")
            dirs.append(binDir + "/../share/duralava/models")
        }
        return dirs
    }
}
