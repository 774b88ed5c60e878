import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Finds the model file: --model, else $DURALAVA_MODEL, else the shipped models/ directory
/// (next to the working directory, or beside the executable's package checkout).
enum ModelLookup {
    static let shippedNames = ["default.safetensors", "untrained.safetensors"]

    static func resolve(explicit: String?) -> String {
        if let explicit {
            guard fileExists(explicit) else { Duralava.fail("\(explicit): no such model file") }
            return explicit
        }
        if let env = getenv("DURALAVA_MODEL").map({ String(cString: $0) }), !env.isEmpty {
            guard fileExists(env) else { Duralava.fail("\(env) (from $DURALAVA_MODEL): no such model file") }
            return env
        }
        for dir in candidateDirectories() {
            for name in shippedNames where fileExists(dir + "/" + name) { return dir + "/" + name }
        }
        Duralava.fail("no model found: pass --model PATH, set $DURALAVA_MODEL, or run `make run` in the duralava checkout "
                      + "(it writes models/untrained.safetensors); train one with `duralava-train train`")
    }

    static func candidateDirectories() -> [String] {
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
