#if canImport(Glibc)
import Glibc
#endif
import DuralavaRuntime

/// One trainer per run directory: an exclusive flock on `DIR/lock`, held until the process
/// exits (the kernel drops it even after kill -9, so a lock is never stale). The file holds
/// the owner's pid for the error message.
public final class RunDirectoryLock {
    public let path: String
    private let fd: Int32
    /// This process made the lock file (it was not there before).
    private let created: Bool

    public init(directory: String) throws {
        path = directory + "/lock"
        var fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        created = fd >= 0
        if fd < 0 && errno == EEXIST { fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW) }
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

    /// After a command that failed: removes the lock file if this process made it, so that a
    /// failed first command leaves no stray `lock` (it is removed while still locked; a trainer
    /// that opened it in that instant finds it busy).
    public func removeIfCreated() {
        if created { unlink(path) }
    }

    /// Temporaries duralava's writers left in `directory` when killed (`NAME.duralava-PID.partial`
    /// whose PID is no running process: checkpoint, model, sample sheet and cache saves). Other
    /// programs' files (`film.mkv.partial`, `x.tmp-1`) and live writers' temporaries are never
    /// touched. Returns the names removed.
    public func removeStaleTemporaryFiles(in directory: String) -> [String] {
        sweepStaleTemporaries(in: directory)
    }
}
