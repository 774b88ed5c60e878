import XCTest
import DuralavaData

/// A directory of real-lamp frames: order, mixed sizes and types, bad files, the cache.
final class FrameDirectoryTests: XCTestCase {
    var directory = ""

    /// The run folder the cache is kept in (never the footage folder).
    var cache = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("frames")
        cache = try makeTemporaryDirectory("run")
    }
    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: cache)
    }

    private func put(_ name: String, _ bytes: [UInt8]) throws { try write(bytes, to: directory + "/" + name) }

    /// A solid frame whose red channel encodes its number.
    private func putNumbered(_ name: String, _ number: UInt8, width: Int = 8, height: Int = 8) throws {
        try put(name, TestPNG.solid(width: width, height: height, r: number, g: 50, b: 200))
    }

    func testFramesAreInNaturalNameOrder() throws {
        try putNumbered("frame_10.png", 10)
        try putNumbered("frame_2.png", 2)
        try putNumbered("frame_1.png", 1)
        try putNumbered("frame_003.png", 3)
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4)
        XCTAssertEqual(data.frameFiles, ["frame_1.png", "frame_2.png", "frame_003.png", "frame_10.png"])
        XCTAssertEqual((0..<4).map { data.frameBytes(at: $0).first! }, [1, 2, 3, 10])
        XCTAssertTrue(data.warnings.isEmpty)
    }

    func testNaturalOrderComparesNumbersByValue() {
        let names = ["b.png", "a10.png", "a9.png", "a09x.png", "a100.png", "A1.png"]
        XCTAssertEqual(names.sorted(by: FrameDirectoryDataset.naturalOrder),
                       ["A1.png", "a9.png", "a09x.png", "a10.png", "a100.png", "b.png"])
    }

    func testMixedSizesAndTypesAreFittedToTheTrainingSize() throws {
        try put("a.png", TestPNG.solid(width: 640, height: 360, r: 255, g: 0, b: 0))       // wide RGB
        try put("b.png", TestPNG.encode(width: 3, height: 5, colour: .grey, bitDepth: 16,   // small tall grey 16-bit
                                        scanlines: [[UInt8]](repeating: [UInt8](repeating: 0xFF, count: 6), count: 5)))
        try put("c.png", TestPNG.encode(width: 2, height: 2, colour: .palette, bitDepth: 8,
                                        scanlines: [[0, 0], [0, 0]], palette: [0, 0, 255]))
        try put("d.png", TestPNG.encode(width: 1, height: 1, colour: .rgba, bitDepth: 8, scanlines: [[0, 255, 0, 255]]))
        let data = try FrameDirectoryDataset(directory: directory, width: 16, height: 12)
        XCTAssertEqual(data.count, 4)
        let expected: [[UInt8]] = [[255, 0, 0], [255, 255, 255], [0, 0, 255], [0, 255, 0]]
        for (i, colour) in expected.enumerated() {
            let frame = Array(data.frameBytes(at: i))
            XCTAssertEqual(frame.count, 16 * 12 * 3)
            XCTAssertEqual(frame, colour.repeated(16 * 12), "frame \(i)")
        }
        let floats = data.frame(at: 0)
        XCTAssertEqual(floats.count, 16 * 12 * 3)
        XCTAssertEqual(floats[0], 1)
        XCTAssertEqual(floats[1], 0)
    }

    func testBadFilesAreSkippedAndNamed() throws {
        try putNumbered("0001.png", 1)
        try put("0002.png", Array("this is not an image".utf8))             // not a PNG
        try putNumbered("0003.png", 3)
        let good = TestPNG.solid(width: 8, height: 8, r: 4, g: 4, b: 4)
        try put("0004.png", Array(good.prefix(good.count - 30)))             // truncated
        try put("notes.txt", Array("shot with a phone".utf8))               // not a PNG either
        try put(".hidden.png", Array("ignored".utf8))                         // hidden: not a candidate
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4)
        XCTAssertEqual(data.frameFiles, ["0001.png", "0003.png"])
        XCTAssertEqual(data.warnings.map(\.file), ["0002.png", "0004.png", "notes.txt"])
        XCTAssertTrue(data.warnings[0].problem.contains("not a PNG"), data.warnings[0].problem)
        XCTAssertTrue(data.warnings.allSatisfy { $0.description.contains($0.file) })
    }

    func testEmptyDirectoryIsAClearError() throws {
        XCTAssertThrowsError(try FrameDirectoryDataset(directory: directory)) { error in
            XCTAssertEqual(error as? FrameDataError, .emptyDirectory(path: directory))
            XCTAssertTrue("\(error)".contains(directory))
            XCTAssertTrue("\(error)".contains("empty"))
        }
    }

    func testDirectoryWithoutReadableFramesIsAnErrorListingTheFiles() throws {
        try put("a.png", Array("junk".utf8))
        try put("b.jpg", [0xFF, 0xD8, 0xFF, 0xE0])
        XCTAssertThrowsError(try FrameDirectoryDataset(directory: directory)) { error in
            guard case .noReadableFrames(let path, let warnings)? = error as? FrameDataError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(path, directory)
            XCTAssertEqual(warnings.map(\.file), ["a.png", "b.jpg"])
            XCTAssertTrue("\(error)".contains("a.png") && "\(error)".contains("b.jpg"))
        }
    }

    func testMissingDirectoryAndFileInsteadOfDirectory() throws {
        XCTAssertThrowsError(try FrameDirectoryDataset(directory: directory + "/nope")) { error in
            XCTAssertEqual(error as? FrameDataError, .notADirectory(path: directory + "/nope"))
        }
        try putNumbered("x.png", 1)
        XCTAssertThrowsError(try FrameDirectoryDataset(directory: directory + "/x.png")) { error in
            XCTAssertTrue("\(error)".contains("x.png"))
        }
    }

    func testInvalidSizeIsRejected() throws {
        try putNumbered("x.png", 1)
        XCTAssertThrowsError(try FrameDirectoryDataset(directory: directory, width: 0, height: 64))
    }

    func testCacheIsReusedAndRebuiltWhenTheDirectoryChanges() throws {
        try putNumbered("f1.png", 1)
        try putNumbered("f2.png", 2)
        try put("junk.png", Array("junk".utf8))
        let first = try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache)
        XCTAssertFalse(first.loadedFromCache)
        XCTAssertNil(first.cacheProblem)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache + "/frames-cache-6x6.bin"))

        // Unchanged: from the cache, same frames, same warnings.
        let second = try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache)
        XCTAssertTrue(second.loadedFromCache)
        XCTAssertEqual(second.frameFiles, first.frameFiles)
        XCTAssertEqual(second.warnings, first.warnings)
        XCTAssertEqual(Array(second.frameBytes(at: 1)), Array(first.frameBytes(at: 1)))

        // Another size has its own cache.
        XCTAssertFalse(try FrameDirectoryDataset(directory: directory, width: 4, height: 6, cacheDirectory: cache).loadedFromCache)

        // A replaced file (new content and size) invalidates the cache.
        try put("f2.png", TestPNG.solid(width: 9, height: 9, r: 77, g: 0, b: 0))
        let third = try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache)
        XCTAssertFalse(third.loadedFromCache)
        XCTAssertEqual(third.frameBytes(at: 1).first, 77)

        // A new file invalidates it; so does a removed one.
        try putNumbered("f3.png", 3)
        let fourth = try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache)
        XCTAssertFalse(fourth.loadedFromCache)
        XCTAssertEqual(fourth.count, 3)
        XCTAssertTrue(try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache).loadedFromCache)
        try FileManager.default.removeItem(atPath: directory + "/f1.png")
        let fifth = try FrameDirectoryDataset(directory: directory, width: 6, height: 6, cacheDirectory: cache)
        XCTAssertFalse(fifth.loadedFromCache)
        XCTAssertEqual(fifth.frameFiles, ["f2.png", "f3.png"])
    }

    func testSameSizeRewriteIsNoticedByItsTime() throws {
        try putNumbered("f1.png", 1)
        XCTAssertFalse(try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache).loadedFromCache)
        // Same byte count, different pixels, later modification time.
        let path = directory + "/f1.png"
        try putNumbered("f1.png", 9)
        let later = Date(timeIntervalSinceNow: 5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: path)
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache)
        XCTAssertFalse(data.loadedFromCache)
        XCTAssertEqual(data.frameBytes(at: 0).first, 9)
    }

    func testCorruptCacheIsRebuilt() throws {
        try putNumbered("f1.png", 5)
        _ = try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache)
        let file = cache + "/frames-cache-4x4.bin"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        try write(Array(bytes.prefix(bytes.count - 7)), to: file)
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache)
        XCTAssertFalse(data.loadedFromCache)
        XCTAssertEqual(data.frameBytes(at: 0).first, 5)
        XCTAssertTrue(try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache).loadedFromCache)
    }

    func testUnwritableDirectoryStillLoads() throws {
        try putNumbered("f1.png", 5)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cache)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cache) }
        let data = try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: cache)
        XCTAssertEqual(data.count, 1)
        // As root the directory stays writable; otherwise the problem is reported, not thrown.
        if !FileManager.default.fileExists(atPath: cache + "/frames-cache-4x4.bin") {
            XCTAssertNotNil(data.cacheProblem)
        }
    }
}

/// The reliability issue, item 7: the frame cache lives in the run folder and is trusted only
/// when it is a regular file of the size its header promises with a matching checksum.
final class FrameCacheTrustTests: XCTestCase {
    var directory = "", run = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("footage")
        run = try makeTemporaryDirectory("run")
        try write(TestPNG.solid(width: 8, height: 8, r: 5, g: 50, b: 200), to: directory + "/f1.png")
        try write(TestPNG.solid(width: 8, height: 8, r: 6, g: 50, b: 200), to: directory + "/f2.png")
    }
    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: run)
    }

    var cache: String { run + "/frames-cache-4x4.bin" }
    func load() throws -> FrameDirectoryDataset { try FrameDirectoryDataset(directory: directory, width: 4, height: 4, cacheDirectory: run) }

    func testCacheIsInTheRunFolderNotTheFootage() throws {
        XCTAssertFalse(try load().loadedFromCache)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["f1.png", "f2.png"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache))
        XCTAssertTrue(try load().loadedFromCache)
    }

    /// A sparse 5 GB file at the cache's name used to be allocated whole (and abort).
    func testHugeSparseCacheIsNotReadAndIsRebuilt() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: cache, contents: nil))
        XCTAssertEqual(truncate(cache, 5 << 30), 0)
        let data = try load()
        XCTAssertFalse(data.loadedFromCache)
        XCTAssertEqual(data.frameBytes(at: 1).first, 6)
        XCTAssertLessThan(try FileManager.default.attributesOfItem(atPath: cache)[.size] as! Int, 10_000, "rebuilt")
        XCTAssertTrue(try load().loadedFromCache)
    }

    /// A FIFO at the cache's name used to hang the trainer (open blocked waiting for a writer).
    func testFIFOAtTheCacheNameDoesNotHang() throws {
        XCTAssertEqual(mkfifo(cache, 0o644), 0)
        let data = try load()
        XCTAssertFalse(data.loadedFromCache)
        XCTAssertEqual(data.count, 2)
        XCTAssertNotNil(data.cacheProblem)
    }

    /// A link at the cache's name is not followed, even to a valid cache.
    func testLinkAtTheCacheNameIsNotFollowed() throws {
        _ = try load()
        try FileManager.default.moveItem(atPath: cache, toPath: run + "/elsewhere.bin")
        try FileManager.default.createSymbolicLink(atPath: cache, withDestinationPath: run + "/elsewhere.bin")
        XCTAssertFalse(try load().loadedFromCache)
    }

    /// Pixels changed in a cache whose file stamps still match are caught by the checksum.
    func testTamperedPixelsAreNotTrained() throws {
        _ = try load()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cache)))
        bytes[bytes.count - 1] ^= 0xFF
        bytes[bytes.count - 4 * 4 * 3] = 250
        try write(bytes, to: cache)
        let data = try load()
        XCTAssertFalse(data.loadedFromCache)
        XCTAssertEqual(data.frameBytes(at: 1).first, 6)
    }
}
