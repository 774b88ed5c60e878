import ArgumentParser
import CLIOptions
import DuralavaRuntime
import LampDisplay

/// Options of the commands that open a lamp window (run, compare).
struct WindowOptions: ParsableArguments {
    @Flag(name: .long, help: "Open a window instead of going fullscreen.")
    var windowed = false

    @Option(name: .long, help: "Display frames per second (between-step frames are generated at this rate).")
    var fps: Double = 30

    @Option(name: .long, help: "Quit after this many seconds (0: run until closed).")
    var duration: Double = 0

    @Option(name: .long, help: "Drawing: auto (software where the display has a framebuffer, else accelerated), software (the CPU scales; no GL loaded) or accelerated (GPU).")
    var renderer: String = "auto"

    @Option(name: .long, help: "Colours: \(LampControls.Palette.allCases.map(\.rawValue).joined(separator: ", ")) (key c cycles).")
    var palette: String = "original"

    // .unconditional: "--hue -360" is a negative number, not an option.
    @Option(name: .long, parsing: .unconditional, help: "Hue shift in degrees, added to the palette's.")
    var hue: Double = 0

    @Option(name: .long, help: "Brightness 0.1...1 (keys [ and ]).")
    var brightness: Double = 1

    @Option(name: .long, help: "A nightly interval, e.g. 23:00-07:00 (local time), when the lamp dims to --night-brightness.")
    var night: String?

    @Option(name: .long, help: "Brightness during --night: 0 blanks the screen.")
    var nightBrightness: Double = 0.2

    /// The controls the options ask for.
    var controls: LampControls {
        do throws(DisplayError) {
            return try LampControls(palette: palette, hue: hue, brightness: brightness, night: night, nightBrightness: nightBrightness)
        } catch { Duralava.fail(error.message) }
    }

    func validate() throws {
        do throws(DisplayError) {
            _ = try LampControls(palette: palette, hue: hue, brightness: brightness, night: night, nightBrightness: nightBrightness)
        } catch { throw ValidationError(error.message) }
        try OptionRanges.fps.check(fps)
        try OptionRanges.duration.check(duration)
        guard LampRenderer(rawValue: renderer) != nil else {
            throw ValidationError("--renderer must be one of: \(LampRenderer.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func open(frameWidth: Int, frameHeight: Int) -> LampWindow {
        do throws(DisplayError) {
            return try LampWindow.open(windowed: windowed, frameWidth: frameWidth, frameHeight: frameHeight,
                                       renderer: LampRenderer(rawValue: renderer)!)
        } catch {
            Duralava.fail(error.message)
        }
    }
}
