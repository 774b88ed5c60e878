#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DuralavaRuntime

/// The settings a lamp owner changes while it runs (keys) or at start (options): speed, the
/// palette the model's colours are remapped to, brightness, and a night schedule that dims or
/// blanks the screen. Applied to each display frame after the model: the lamp itself (its
/// loop, its frames) never changes.
public struct LampControls {
    /// Named palettes: the model's colours rotated around the grey axis (and desaturated for mono).
    public enum Palette: String, CaseIterable {
        case original, ocean, forest, violet, ember, mono
        var hueDegrees: Float {
            switch self {
            case .original, .mono: return 0
            case .ocean: return 190
            case .forest: return 100
            case .violet: return 260
            case .ember: return 20
            }
        }
        var saturation: Float { self == .mono ? 0 : 1 }
    }

    /// Model steps per second are `rate × speed`.
    public var speed: Double = 1
    public var palette: Palette = .original
    /// Added to the palette's rotation (degrees).
    public var hueShift: Float = 0
    /// 0.1 ... 1.
    public var brightness: Float = 1
    public var night: NightSchedule?

    public init() {}

    /// The controls of the command-line options; the error names the option and what it takes.
    public init(palette: String, hue: Double, brightness: Double, night: String?, nightBrightness: Double) throws(DisplayError) {
        guard let p = Palette(rawValue: palette) else {
            throw DisplayError(message: "--palette \(palette): expected one of \(Palette.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        guard OptionRanges.hue.range.contains(hue) else { throw DisplayError(message: "--hue \(hue): expected degrees in -360...360") }
        guard OptionRanges.brightness.range.contains(brightness) else {
            throw DisplayError(message: "--brightness \(brightness): expected 0.1...1")
        }
        guard OptionRanges.nightBrightness.range.contains(nightBrightness) else {
            throw DisplayError(message: "--night-brightness \(nightBrightness): expected 0...1 (0 blanks the screen)")
        }
        self.palette = p
        hueShift = Float(hue)
        self.brightness = Float(brightness)
        if let night {
            guard let schedule = NightSchedule(night, brightness: Float(nightBrightness)) else {
                throw DisplayError(message: "--night \(night): expected HH:MM-HH:MM, e.g. 23:00-07:00")
            }
            self.night = schedule
        }
    }

    public static let speeds: [Double] = [0.25, 0.5, 1, 1.5, 2, 3, 4]

    /// A control key's change — speed + / − through `speeds`, the next palette (c), brightness
    /// [ / ] in steps of 0.1 — and the note to show for it; nil (and no change) for other keys.
    /// The desktop's display loop and the page (docs/web.md) both change the controls here.
    public mutating func change(_ key: LampKey) -> String? {
        switch key {
        case .faster, .slower:
            let speeds = Self.speeds
            let i = speeds.firstIndex { $0 >= speed } ?? speeds.count - 1
            speed = speeds[key == .faster ? Swift.min(i + 1, speeds.count - 1) : Swift.max(i - 1, 0)]
            return "SPEED \(NumberFormat.trimmed(speed, 2))X"
        case .nextPalette:
            let all = Palette.allCases
            palette = all[(all.firstIndex(of: palette)! + 1) % all.count]
            return "PALETTE \(palette.rawValue)"
        case .brighter, .dimmer:
            brightness = Swift.min(1, Swift.max(0.1, brightness + (key == .brighter ? 0.1 : -0.1)))
            return "BRIGHTNESS \(Int((brightness * 100).rounded()))%"
        default:
            return nil
        }
    }

    /// The 3×3 colour matrix of the palette and hue shift (rotation about the grey axis, then a
    /// saturation blend towards grey), times the brightness of this moment.
    public func colourMatrix(brightness b: Float) -> [Float] {
        let angle = (palette.hueDegrees + hueShift) * Float.pi / 180
        let c = cosf(angle), s = sinf(angle)
        // Rodrigues' rotation about (1,1,1)/√3.
        let k: Float = 1 / 3, r = sqrtf(1 / 3)
        var m: [Float] = [
            c + (1 - c) * k, (1 - c) * k - r * s, (1 - c) * k + r * s,
            (1 - c) * k + r * s, c + (1 - c) * k, (1 - c) * k - r * s,
            (1 - c) * k - r * s, (1 - c) * k + r * s, c + (1 - c) * k,
        ]
        let sat = palette.saturation
        let luma: [Float] = [0.299, 0.587, 0.114]
        for row in 0..<3 {
            let out = (0..<3).map { col in m[row * 3 + col] }
            for col in 0..<3 { m[row * 3 + col] = (sat * out[col] + (1 - sat) * luma[col]) * b }
        }
        return m
    }

    /// The brightness at local time `minutes` after midnight (the night schedule's, if in it).
    public func effectiveBrightness(minutes: Int) -> Float {
        guard let night, night.contains(minutes: minutes) else { return brightness }
        return brightness * night.brightness
    }

    /// Minutes after local midnight, now.
    public static func localMinutes() -> Int {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return Int(parts.tm_hour) * 60 + Int(parts.tm_min)
    }

    /// `rgb` → `out` through the colour matrix (identity and full brightness: a copy).
    public static func apply(_ m: [Float], _ rgb: UnsafeMutableBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        if m[0] == 1 && m[4] == 1 && m[8] == 1 && m[1] == 0 && m[2] == 0 && m[3] == 0 && m[5] == 0 && m[6] == 0 && m[7] == 0 {
            _ = out.update(fromContentsOf: rgb)   // what the loop below gives for the identity, sooner
            return
        }
        for p in stride(from: 0, to: rgb.count - 2, by: 3) {
            let r = Float(rgb[p]), g = Float(rgb[p + 1]), b = Float(rgb[p + 2])
            for k in 0..<3 {
                let v = m[k * 3] * r + m[k * 3 + 1] * g + m[k * 3 + 2] * b + 0.5
                out[p + k] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
            }
        }
    }
}

/// A nightly interval, e.g. 23:00-07:00 (it may wrap midnight), and the brightness then
/// (0 blanks the screen).
public struct NightSchedule: Equatable {
    public let start: Int, end: Int     // minutes after midnight
    public var brightness: Float

    /// "HH:MM-HH:MM" (H:MM too), or nil: exactly one dash and digits only, so "-1:00-02:00",
    /// "23:00--07:00" and "+1:00-02:00" are errors, not other intervals.
    public init?(_ text: String, brightness: Float) {
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2, let a = Self.minutes(halves[0]), let b = Self.minutes(halves[1]), a != b else { return nil }
        start = a; end = b; self.brightness = brightness
    }

    private static func minutes(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, (1...2).contains(hm[0].utf8.count), hm[1].utf8.count == 2,
              hm[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), hm[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    public func contains(minutes t: Int) -> Bool {
        start < end ? (t >= start && t < end) : (t >= start || t < end)
    }
}
