import DuralavaRuntime
import Foundation
import LampOutput
import TestSupport
import XCTest

/// Writing an output never replaces what is at the path unless it is a
/// regular file (docs/reliability.md#outputs), and leaves no temporary file behind on any error.
final class OutputPathTests: XCTestCase {
    var dir = ""
    let image = [UInt8](repeating: 200, count: 4 * 4 * 3)

    override func setUp() { dir = temporaryDirectory() }

    func kind(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    /// Names in `dir` other than the expected ones: temporary litter.
    func litter(_ expected: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { !expected.contains($0) }
    }

    func testSymlinkIsFollowedAndKept() throws {
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/target.bin"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.bin", withDestinationPath: "target.bin")
        try writeFileAtomically(dir + "/link.bin", [[1, 2, 3]])
        XCTAssertEqual(kind(dir + "/link.bin"), .typeSymbolicLink, "the link is not replaced by a file")
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/target.bin"))), [1, 2, 3])

        try FileManager.default.createSymbolicLink(atPath: dir + "/lamp.png", withDestinationPath: "target.bin")
        try writePNG(path: dir + "/lamp.png", width: 4, height: 4, rgb: image)
        XCTAssertEqual(kind(dir + "/lamp.png"), .typeSymbolicLink)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/target.bin")).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(try litter(["target.bin", "link.bin", "lamp.png"]), [])
    }

    func testDanglingSymlinkIsRefused() throws {
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.bin", withDestinationPath: "nowhere/x")
        XCTAssertThrowsError(try writeFileAtomically(dir + "/link.bin", [[1]])) {
            XCTAssertTrue("\($0)".contains("symlink"), "\($0)")
        }
        XCTAssertEqual(kind(dir + "/link.bin"), .typeSymbolicLink)
    }

    /// A FIFO is written through: the reader gets the bytes and the FIFO is still a FIFO.
    func testFIFOIsWrittenThrough() throws {
        for useImageWriter in [false, true] {
            let fifo = dir + "/fifo-\(useImageWriter)"
            XCTAssertEqual(mkfifo(fifo, 0o644), 0)
            let box = ReceivedBytes()
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                box.data = FileHandle(forReadingAtPath: fifo)!.readDataToEndOfFile()
                done.signal()
            }
            if useImageWriter {
                try writePNG(path: fifo, width: 4, height: 4, rgb: image)
                done.wait()
                let received = box.data
                XCTAssertEqual(Array(received.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            } else {
                try writeFileAtomically(fifo, [[9, 8, 7]])
                done.wait()
                let received = box.data
                XCTAssertEqual(Array(received), [9, 8, 7])
            }
            XCTAssertEqual(kind(fifo), .typeUnknown, "still a FIFO (Foundation calls it unknown)")
            var st = stat()
            XCTAssertEqual(lstat(fifo, &st), 0)
            XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        }
        XCTAssertEqual(try litter(["fifo-false", "fifo-true"]), [])
    }

    func testDirectoryIsRefused() throws {
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: false)
        XCTAssertThrowsError(try writeFileAtomically(dir + "/out", [[1]])) { XCTAssertTrue("\($0)".contains("directory"), "\($0)") }
        XCTAssertThrowsError(try writePNG(path: dir + "/out", width: 4, height: 4, rgb: image)) {
            XCTAssertTrue("\($0)".contains("directory"), "\($0)")
        }
        XCTAssertEqual(kind(dir + "/out"), .typeDirectory)
        XCTAssertEqual(try litter(["out"]), [])
    }

    /// /dev/full: written through, so the write fails with "No space left" and the device
    /// node stays a device (the old rename made it a regular file when run as root).
    func testDeviceIsWrittenThroughNotReplaced() throws {
        guard kind("/dev/full") == .typeCharacterSpecial else { throw XCTSkip("no /dev/full") }
        XCTAssertThrowsError(try writeFileAtomically("/dev/full", [[UInt8](repeating: 1, count: 100_000)])) {
            XCTAssertTrue("\($0)".contains("No space left"), "\($0)")
        }
        XCTAssertThrowsError(try writePNG(path: "/dev/full", width: 4, height: 4, rgb: image)) {
            XCTAssertTrue("\($0)".contains("No space left"), "\($0)")
        }
        XCTAssertEqual(kind("/dev/full"), .typeCharacterSpecial)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/full.partial"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/full.duralava-\(getpid()).partial"))
        // Writing through /dev/null succeeds and leaves it a device.
        try writeFileAtomically("/dev/null", [[1, 2, 3]])
        XCTAssertEqual(kind("/dev/null"), .typeCharacterSpecial)
    }

    /// A stale temporary file, or a symlink planted at the temporary name, is never written
    /// through: the temporary file is created afresh.
    func testPlantedLinkAtTemporaryNameIsNotFollowed() throws {
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/victim"))
        let temporary = "out.png.duralava-\(getpid()).partial"
        try FileManager.default.createSymbolicLink(atPath: dir + "/" + temporary, withDestinationPath: "victim")
        try writePNG(path: dir + "/out.png", width: 4, height: 4, rgb: image)
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/victim")), as: UTF8.self), "keep")
        XCTAssertEqual(try litter(["victim", "out.png"]), [])
    }

    func testUnfinishedAnimationAbandonedLeavesNothing() throws {
        let w = try APNGWriter(path: dir + "/a.png", width: 4, height: 4, frameCount: 3, delayNumerator: 1, delayDenominator: 5)
        try w.append(rgb: image)
        w.abandon()
        XCTAssertEqual(try litter([]), [])
    }
}

/// What the FIFO's reader got (written by the reader, read after the semaphore).
private final class ReceivedBytes: @unchecked Sendable { var data = Data() }
