#if canImport(Glibc)
import Glibc
#endif

/// One trainer per run directory: an exclusive flock on `DIR/lock`, held until the process
/// exits (the kernel drops it even after kill -9, so a lock is never stale). The file holds
/// the owner's pid for the error message.
public final class RunDirectoryLock {
    public let path: String
    private let fd: Int32

    public init(directory: String) throws {
        path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw TrainingError("\(path): cannot open the run directory's lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            var buf = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buf, buf.count - 1)
            close(fd)
            let owner = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "?" : "?"
            throw TrainingError(busy
                ? "\(directory) is in use by another duralava-train (pid \(owner)); wait for it or choose another --out"
                : "\(path): cannot lock (\(String(cString: strerror(errno))))")
        }
        self.fd = fd
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    /// Temporary files a killed writer left in `directory` (`NAME.tmp-PID` from checkpoint
    /// and model saves, `NAME.partial` from images). Call while holding the lock: then no
    /// other writer is using the directory and every such file is litter. Returns the names
    /// removed.
    public func removeStaleTemporaryFiles(in directory: String) -> [String] {
        guard let d = opendir(directory) else { return [] }
        defer { closedir(d) }
        var removed: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard Self.isTemporaryName(name) else { continue }
            if unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed.sorted()
    }

    /// `X.tmp-123` or `X.partial`.
    static func isTemporaryName(_ name: String) -> Bool {
        if name.hasSuffix(".partial") { return true }
        guard let dash = name.lastIndex(of: "-"), name[..<dash].hasSuffix(".tmp") else { return false }
        let pid = name[name.index(after: dash)...]
        return !pid.isEmpty && pid.allSatisfy { $0 >= "0" && $0 <= "9" }
    }
}
