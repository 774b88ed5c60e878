// Errors and warnings of the frame-directory loader. Every message names the file or
// directory and says what is wrong with it.

/// A file in a frame directory that was skipped, and why.
public struct FrameFileWarning: Sendable, Equatable, CustomStringConvertible {
    /// File name inside the directory.
    public let file: String
    public let problem: String
    /// False for a note about frames that were used (e.g. of another size than the rest).
    public let skipped: Bool

    public init(file: String, problem: String, skipped: Bool = true) {
        self.file = file
        self.problem = problem
        self.skipped = skipped
    }

    public var description: String { skipped ? "skipped \(file): \(problem)" : "\(file): \(problem)" }
}

public enum FrameDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path does not exist or is not a directory.
    case notADirectory(path: String)
    /// The directory could not be listed.
    case unreadableDirectory(path: String, reason: String)
    /// The directory holds no files at all.
    case emptyDirectory(path: String)
    /// The directory holds files, but none of them is a readable PNG image.
    case noReadableFrames(path: String, warnings: [FrameFileWarning])
    /// One image could not be decoded.
    case unreadableImage(path: String, reason: String)
    /// An output directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A requested frame size is unusable.
    case invalidFrameSize(width: Int, height: Int)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            return "\(path): not a directory of PNG frames"
        case .unreadableDirectory(let path, let reason):
            return "\(path): cannot list the frame directory: \(reason)"
        case .emptyDirectory(let path):
            return "\(path): the frame directory is empty (expected PNG frames, e.g. from ffmpeg -i lamp.mp4 \(path)/frame_%06d.png)"
        case .noReadableFrames(let path, let warnings):
            let list = warnings.prefix(5).map { "\($0.file) (\($0.problem))" }.joined(separator: "; ")
            let more = warnings.count > 5 ? "; and \(warnings.count - 5) more" : ""
            return "\(path): no readable PNG frame among \(warnings.count) file(s): \(list)\(more)"
        case .unreadableImage(let path, let reason):
            return "\(path): \(reason)"
        case .cannotCreateDirectory(let path, let reason):
            return "\(path): cannot create the directory: \(reason)"
        case .invalidFrameSize(let width, let height):
            return "invalid frame size \(width)x\(height): both sides must be between 1 and 4096"
        }
    }
}

/// Footage that cannot become training sequences (LampSequences), with a message for the user.
public struct FootageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
