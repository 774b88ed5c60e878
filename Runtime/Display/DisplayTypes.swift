/// The keys of a lamp window (and of the page, docs/web.md), as the display loop sees them.
public enum LampKey { case none, quit, toggleFullscreen, pause, reseed, screenshot, faster, slower, nextPalette, brighter, dimmer }

/// Why a window could not be opened, or an owner's control is wrong (one line for the user).
public struct DisplayError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
