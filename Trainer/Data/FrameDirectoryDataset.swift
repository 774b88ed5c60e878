// Footage of a real lamp: a directory of PNG frames (for example written by
// `ffmpeg -i lamp.mp4 frames/frame_%06d.png`), in name order, fitted to the training
// size and kept in memory as 8-bit RGB.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// A frame's width and height (a dictionary key, unlike a tuple).
struct FrameSize: Hashable {
    var width: Int, height: Int
    static func text(_ size: FrameSize?) -> String { size.map { "\($0.width)x\($0.height)" } ?? "unknown size" }
}

public final class FrameDirectoryDataset {
    public let directory: String
    public let width: Int
    public let height: Int
    /// How frames of another aspect were fitted to width x height.
    public let fit: FrameFit
    /// The size most of the frames have in their files (nil: none had a PNG header).
    public let sourceSize: (width: Int, height: Int)?
    /// The files that became frames, in frame order.
    public let frameFiles: [String]
    /// Files that were skipped (not PNG, corrupt, unreadable, a name that is not UTF-8),
    /// with the reason, and a note when frames differ in size; print them.
    public let warnings: [FrameFileWarning]
    /// True when the frames came from the cache file rather than from decoding PNGs.
    public let loadedFromCache: Bool
    /// Why the cache could not be written, if it could not (the frames are fine).
    public let cacheProblem: String?
    /// Full path of the cache file for this size (nil: no cache).
    public let cachePath: String?

    /// All frames, each width*height*3 bytes of RGB, rows top first.
    private let pixels: [UInt8]

    public var count: Int { frameFiles.count }
    public var frameValueCount: Int { width * height * 3 }

    /// Loads (or reloads from the cache) every PNG frame of `directory`, fitted to width x
    /// height by `fit` (centre-cropped to its aspect, or letterboxed) and area-averaged. The
    /// cache lives in `cacheDirectory` (the run folder; nil: no cache), never in the footage.
    public init(directory: String, width: Int = 64, height: Int = 64, fit: FrameFit = .crop, cacheDirectory: String? = nil) throws {
        guard (1...4096).contains(width), (1...4096).contains(height) else {
            throw FrameDataError.invalidFrameSize(width: width, height: height)
        }
        self.directory = directory
        self.width = width
        self.height = height
        self.fit = fit
        let listing = try FrameDirectoryDataset.listFilesAndBadNames(directory)
        let stamps = listing.stamps
        guard !stamps.isEmpty else { throw FrameDataError.emptyDirectory(path: directory) }
        var notes: [FrameFileWarning] = []
        if listing.badNames > 0 {
            notes.append(FrameFileWarning(file: "\(listing.badNames) file\(listing.badNames == 1 ? "" : "s")",
                                          problem: "names that are not valid UTF-8 (rename them to use them)"))
        }
        let cachePath = cacheDirectory.map { FrameDirectoryDataset.join($0, FrameCache.fileName(width: width, height: height, fit: fit)) }
        self.cachePath = cachePath
        let folder = FrameDirectoryDataset.realPath(directory)

        // The cache is valid only for exactly the same folder, files, sizes and times, and
        // only when intact (size and checksum).
        if let cachePath,
           let bytes = FrameCache.readFile(cachePath, limit: FrameCache.maxBytes(entries: stamps.count, width: width, height: height)),
           let cached = FrameCache.decode(bytes, width: width, height: height, folder: folder),
           cached.entries.map(\.stamp) == stamps {
            var files: [String] = [], skipped: [FrameFileWarning] = []
            for (stamp, problem) in cached.entries {
                if let problem { skipped.append(FrameFileWarning(file: stamp.name, problem: problem)) }
                else { files.append(stamp.name) }
            }
            guard !files.isEmpty else { throw FrameDataError.noReadableFrames(path: directory, warnings: skipped + notes) }
            frameFiles = files
            let sizes = FrameDirectoryDataset.sizeCounts(directory, files)
            sourceSize = sizes.lazy.compactMap(\.size).first.map { ($0.width, $0.height) }
            warnings = skipped + notes + FrameDirectoryDataset.sizeNote(sizes, frames: files.count, width: width, height: height, fit: fit)
            pixels = cached.frames
            loadedFromCache = true
            cacheProblem = nil
            return
        }

        var files: [String] = [], skipped: [FrameFileWarning] = []
        var entries: [(stamp: FrameFileStamp, problem: String?)] = []
        var frames: [UInt8] = []
        for stamp in stamps {
            let path = FrameDirectoryDataset.join(directory, stamp.name)
            do {
                let image = try PNGReader.read(path: path)
                frames.append(contentsOf: FrameResampler.fit(image, width: width, height: height, fit: fit))
                files.append(stamp.name)
                entries.append((stamp, nil))
            } catch let error as FrameDataError {
                let problem: String
                if case .unreadableImage(_, let reason) = error { problem = reason } else { problem = error.description }
                skipped.append(FrameFileWarning(file: stamp.name, problem: problem))
                entries.append((stamp, problem))
            }
        }
        guard !files.isEmpty else { throw FrameDataError.noReadableFrames(path: directory, warnings: skipped + notes) }
        frameFiles = files
        let sizes = FrameDirectoryDataset.sizeCounts(directory, files)
        sourceSize = sizes.lazy.compactMap(\.size).first.map { ($0.width, $0.height) }
        warnings = skipped + notes + FrameDirectoryDataset.sizeNote(sizes, frames: files.count, width: width, height: height, fit: fit)
        pixels = frames
        loadedFromCache = false
        if let cachePath {
            let bytes = FrameCache.encode(width: width, height: height, folder: folder,
                                          contents: FrameCacheContents(entries: entries, frames: frames))
            // Only a regular file (or nothing) is replaced: a FIFO would block the write, and a
            // link there is not the trainer's to follow.
            var st = stat()
            if lstat(cachePath, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
                cacheProblem = "\(cachePath): not a regular file; the frame cache was not written"
            } else {
                do throws(FileError) { try writeFileAtomically(cachePath, [bytes]); cacheProblem = nil } catch {
                    cacheProblem = "cannot write the frame cache: \(error)"
                }
            }
        } else {
            cacheProblem = nil
        }
    }

    // MARK: - Frames

    /// Frame i as Float RGB in [0, 1] (H*W*3, rows top first).
    public func frame(at index: Int, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(index >= 0 && index < count, "frame \(index) out of 0..<\(count)")
        precondition(out.count >= frameValueCount, "output buffer too small")
        let n = frameValueCount
        pixels.withUnsafeBufferPointer { p in
            let base = index * n
            for i in 0..<n { out[i] = Float(p[base + i]) * (1 / 255) }
        }
    }

    public func frame(at index: Int) -> [Float] {
        var out = [Float](repeating: 0, count: frameValueCount)
        out.withUnsafeMutableBufferPointer { frame(at: index, into: $0) }
        return out
    }

    /// Frame i as 8-bit RGB.
    public func frameBytes(at index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "frame \(index) out of 0..<\(count)")
        return pixels[(index * frameValueCount)..<((index + 1) * frameValueCount)]
    }

    // MARK: - Directory listing

    /// The directory's absolute path with links resolved (what a cache is keyed by), or the
    /// path as given when it cannot be resolved.
    static func realPath(_ directory: String) -> String {
        guard let p = realpath(directory, nil) else { return directory }
        defer { free(p) }
        return String(cString: p)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// How many of `files` have each size (from their PNG headers; nil: no PNG header), most
    /// common first, ties in the order of their text ("16x12" before "8x8").
    static func sizeCounts(_ directory: String, _ files: [String]) -> [(size: FrameSize?, count: Int)] {
        var counts: [FrameSize?: Int] = [:]
        for f in files { counts[pngSize(join(directory, f)).map { FrameSize(width: $0.width, height: $0.height) }, default: 0] += 1 }
        return counts.map { (size: $0.key, count: $0.value) }.sorted { a, b in
            a.count != b.count ? a.count > b.count : FrameSize.text(a.size) < FrameSize.text(b.size)
        }
    }

    /// Footage whose frames are not all one size is probably two recordings mixed up: every
    /// frame is fitted to the training size alike, but the user hears of it, with counts.
    /// Sizes come from each PNG's header (so a cache load says the same).
    static func sizeNote(_ counts: [(size: FrameSize?, count: Int)], frames: Int, width: Int, height: Int, fit: FrameFit) -> [FrameFileWarning] {
        guard counts.count > 1 else { return [] }
        let list = counts.map { "\($0.count) of \(FrameSize.text($0.size))" }.joined(separator: ", ")
        return [FrameFileWarning(file: "\(frames) frames", problem: "not all one size (\(list)); each was "
                                 + (fit == .crop ? "centre-cropped to the aspect of \(width)x\(height) and resized to it"
                                                 : "resized whole into \(width)x\(height) with black bars"), skipped: false)]
    }

    /// The size most of the directory's PNG frames have (from their headers; nil when no
    /// file has a PNG header): what `--size auto` fits.
    public static func footageSize(_ directory: String) throws -> (width: Int, height: Int)? {
        sizeCounts(directory, try listFiles(directory).map(\.name)).lazy.compactMap(\.size).first.map { ($0.width, $0.height) }
    }

    /// Width and height from a PNG's IHDR chunk (the first 24 bytes), or nil.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var b = [UInt8](repeating: 0, count: 24)
        guard fread(&b, 1, 24, f) == 24, b[0] == 0x89, b[1] == 0x50, b[2] == 0x4E, b[3] == 0x47 else { return nil }
        let be = { (i: Int) in Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        return (be(16), be(20))
    }

    /// The candidate files of a frame directory: every regular, non-hidden file, in
    /// natural name order.
    static func listFiles(_ directory: String) throws -> [FrameFileStamp] {
        try listFilesAndBadNames(directory).stamps
    }

    /// The candidate files and how many entries were passed over because their names are
    /// not valid UTF-8 (a String cannot name them: they used to be skipped without a word).
    static func listFilesAndBadNames(_ directory: String) throws -> (stamps: [FrameFileStamp], badNames: Int) {
        var st = stat()
        guard stat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FrameDataError.notADirectory(path: directory)
        }
        guard let dir = opendir(directory) else {
            throw FrameDataError.unreadableDirectory(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        var stamps: [FrameFileStamp] = []
        var badNames = 0
        while let entry = readdir(dir) {
            let decoded = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0) }
            }
            guard let name = decoded else { badNames += 1; continue }
            if name.hasPrefix(".") { continue }  // ., .., hidden files and our own cache
            var fileStat = stat()
            guard stat(join(directory, name), &fileStat) == 0, (fileStat.st_mode & S_IFMT) == S_IFREG else { continue }
            stamps.append(FrameFileStamp(name: name, size: UInt64(fileStat.st_size),
                                         mtimeSeconds: Int64(fileStat.st_mtim.tv_sec),
                                         mtimeNanoseconds: Int64(fileStat.st_mtim.tv_nsec)))
        }
        return (stamps.sorted { naturalOrder($0.name, $1.name) }, badNames)
    }

    /// Name order that compares runs of digits as numbers, so frame_9.png comes before
    /// frame_10.png even without zero padding (zero-padded names sort as usual).
    public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                let i0 = i, j0 = j
                while i < x.count && isDigit(x[i]) { i += 1 }
                while j < y.count && isDigit(y[j]) { j += 1 }
                // Compare the numbers without leading zeros: longer is larger, else digit by digit.
                let dx = x[i0..<i].drop { $0 == "0" }, dy = y[j0..<j].drop { $0 == "0" }
                if dx.count != dy.count { return dx.count < dy.count }
                for (p, q) in zip(dx, dy) where p != q { return p.value < q.value }
            } else {
                if x[i] != y[j] { return x[i].value < y[j].value }
                i += 1; j += 1
            }
        }
        if (x.count - i) != (y.count - j) { return (x.count - i) < (y.count - j) }
        return a < b  // equal up to zero padding: any fixed order
    }
}
