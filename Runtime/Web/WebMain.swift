// The lamp in a browser (docs/web.md): the runtime's model reader, int8 and float networks,
// latent loop with its guards and the owner's controls, exported to the page's JavaScript
// (lamp.js) as plain C functions. The page owns the clock (requestAnimationFrame), the canvas and
// the keys; everything the lamp computes is the shared Runtime code the desktop and board
// builds run. One lamp at a time; every buffer is made when a model loads, so a frame
// allocates nothing.
import DuralavaKernels
import DuralavaRuntime
import DuralavaSIMD
import LampDisplay

/// A loaded lamp with the page's controls and the RGBA frame the canvas shows.
final class WebLamp {
    let animator: LampAnimator
    var controls: LampControls
    var note = OnScreenNote()
    var watch = GuardWatch()
    var matrix: [Float]
    let shown: UnsafeMutableBufferPointer<UInt8>
    let rgba: UnsafeMutableBufferPointer<UInt8>

    init(model: LampModel, seed: UInt64, controls: LampControls, minutes: Int) {
        animator = LampAnimator(model: model, seed: seed, between: .latent, threaded: false)
        self.controls = controls
        matrix = controls.colourMatrix(brightness: controls.effectiveBrightness(minutes: minutes))
        shown = .allocate(capacity: animator.frameValueCount)
        shown.initialize(repeating: 0)
        rgba = .allocate(capacity: animator.width * animator.height * 4)
        rgba.initialize(repeating: 255)
    }

    deinit { shown.deallocate(); rgba.deallocate() }
}

// The module's state. nonisolated(unsafe): the WebAssembly module is single-threaded and the page
// calls its exports from one thread (docs/architecture.md, the opt-outs).
nonisolated(unsafe) var lamp: WebLamp?
nonisolated(unsafe) var controls = LampControls()  // single-threaded wasm, as above
/// The last error as a NUL-terminated line (what dl_web_error returns).
nonisolated(unsafe) var lastError: [CChar] = [0]  // single-threaded wasm, as above
nonisolated(unsafe) var selftestChecks: Int32 = 0  // single-threaded wasm, as above

func setError(_ text: String) {
    var line = Array(text.utf8).map { CChar(bitPattern: $0) }
    line.append(0)
    lastError = line
}

func string(_ bytes: UnsafePointer<UInt8>?, _ count: Int32) -> String {
    guard let bytes, count > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(count)), as: UTF8.self)
}

/// Loads the model file `bytes` (named `name` in errors) and starts its lamp at `seed`;
/// 0, or 1 with the one-line error in dl_web_error (the lamp that ran before keeps running).
@_cdecl("dl_web_load")
public func dl_web_load(_ bytes: UnsafePointer<UInt8>, _ count: Int32, _ name: UnsafePointer<UInt8>?, _ nameCount: Int32,
                        _ seed: Double, _ minutes: Int32) -> Int32 {
    let path = string(name, nameCount)
    let data = Array(UnsafeBufferPointer(start: bytes, count: Int(count)))
    do throws(ModelError) {
        let file = try SafetensorsFile(bytes: data, path: path)
        let model = try LampModel(file: file)
        lamp = WebLamp(model: model, seed: UInt64(seed), controls: controls, minutes: Int(minutes))
        return 0
    } catch {
        setError(error.description)
        return 1
    }
}

/// The last error (a NUL-terminated UTF-8 line).
@_cdecl("dl_web_error")
public func dl_web_error() -> UnsafePointer<CChar> {
    lastError.withUnsafeBufferPointer { $0.baseAddress! }
}

/// The owner's controls from the page's URL (palette, hue, brightness, night schedule); 0, or 1
/// with the error. `night` empty: none.
@_cdecl("dl_web_set_controls")
public func dl_web_set_controls(_ palette: UnsafePointer<UInt8>?, _ paletteCount: Int32, _ hue: Double, _ brightness: Double,
                                _ night: UnsafePointer<UInt8>?, _ nightCount: Int32, _ nightBrightness: Double,
                                _ minutes: Int32) -> Int32 {
    let nightText = string(night, nightCount)
    do throws(DisplayError) {
        var c = try LampControls(palette: string(palette, paletteCount), hue: hue, brightness: brightness,
                                 night: nightText.isEmpty ? nil : nightText, nightBrightness: nightBrightness)
        c.speed = controls.speed
        controls = c
        if let lamp {
            lamp.controls = c
            lamp.matrix = c.colourMatrix(brightness: c.effectiveBrightness(minutes: Int(minutes)))
        }
        return 0
    } catch {
        setError(error.message)
        return 1
    }
}

/// A control key — 1 faster, 2 slower, 3 next palette, 4 brighter, 5 dimmer — changed as on
/// the desktop (LampControls.change), its note shown from `now` (seconds); returns the speed factor.
@_cdecl("dl_web_key")
public func dl_web_key(_ code: Int32, _ now: Double, _ minutes: Int32) -> Double {
    let keys: [LampKey] = [.none, .faster, .slower, .nextPalette, .brighter, .dimmer]
    let key = code >= 0 && Int(code) < keys.count ? keys[Int(code)] : .none
    if let text = controls.change(key), let lamp {
        lamp.controls = controls
        lamp.matrix = controls.colourMatrix(brightness: controls.effectiveBrightness(minutes: Int(minutes)))
        lamp.note.show(text, now: now)
    }
    return controls.speed
}

/// A note on the lamp from `now` (seconds) for two seconds ("PAUSED", "RESEED").
@_cdecl("dl_web_note")
public func dl_web_note(_ text: UnsafePointer<UInt8>?, _ count: Int32, _ now: Double) {
    lamp?.note.show(string(text, count), now: now)
}

/// The colours of this moment (the night schedule at `minutes` after local midnight).
@_cdecl("dl_web_colours")
public func dl_web_colours(_ minutes: Int32) {
    guard let lamp else { return }
    lamp.matrix = lamp.controls.colourMatrix(brightness: lamp.controls.effectiveBrightness(minutes: Int(minutes)))
}

@_cdecl("dl_web_width") public func dl_web_width() -> Int32 { Int32(lamp?.animator.width ?? 0) }
@_cdecl("dl_web_height") public func dl_web_height() -> Int32 { Int32(lamp?.animator.height ?? 0) }
/// 1 for an int8 model, 0 for a float one.
@_cdecl("dl_web_is_int8") public func dl_web_is_int8() -> Int32 { lamp?.animator.model.kind == .int8 ? 1 : 0 }
/// 0 when the file says it was never trained.
@_cdecl("dl_web_is_trained") public func dl_web_is_trained() -> Int32 { lamp?.animator.model.isTrained == false ? 0 : 1 }
@_cdecl("dl_web_speed") public func dl_web_speed() -> Double { controls.speed }
@_cdecl("dl_web_steps") public func dl_web_steps() -> Double { Double(lamp?.animator.stepCount ?? 0) }

/// One model step (the latent loop and its guards, then the step's frame).
@_cdecl("dl_web_advance")
public func dl_web_advance() {
    guard let lamp else { return }
    lamp.animator.advance()
    if lamp.watch.shouldWarn(lamp.animator.counters) {
        printError(lamp.watch.warning(model: lamp.animator.model.path, counters: lamp.animator.counters))
    }
}

/// A fresh start (the r key).
@_cdecl("dl_web_reseed")
public func dl_web_reseed() { lamp?.animator.reseed() }

/// The display frame at `phase` ∈ [0, 1) between the last step and the next (generated from
/// the interpolated latent), through the controls' colours, with the note if one is showing:
/// the address of width × height RGBA bytes.
@_cdecl("dl_web_render")
public func dl_web_render(_ phase: Float, _ now: Double) -> UnsafeMutablePointer<UInt8>? {
    guard let lamp else { return nil }
    let a = lamp.animator
    a.render(phase: phase)
    LampControls.apply(lamp.matrix, a.rgb, into: lamp.shown)
    if lamp.note.isVisible(now: now) { lamp.note.draw(into: lamp.shown, width: a.width, height: a.height) }
    let pixels = a.width * a.height
    let src = lamp.shown.baseAddress!, dst = lamp.rgba.baseAddress!
    for p in 0..<pixels {
        dst[4 * p] = src[3 * p]; dst[4 * p + 1] = src[3 * p + 1]; dst[4 * p + 2] = src[3 * p + 2]
    }
    return dst
}

/// The lamp's own frame at a step (phase 0, no controls): width × height × 3 RGB bytes, what
/// `duralava render` writes for the same model and seed (the tests compare them).
@_cdecl("dl_web_step_frame")
public func dl_web_step_frame() -> UnsafeMutablePointer<UInt8>? {
    guard let lamp else { return nil }
    lamp.animator.render(phase: 0)
    return lamp.animator.rgb.baseAddress
}

/// The vector level the kernels use ("simd128" or "portable").
@_cdecl("dl_web_level_name")
public func dl_web_level_name() -> UnsafePointer<CChar> { dl_simd_name(dl_simd_active()) }

/// Uses level 0 (portable C) or the best this build has (any other value); returns the level.
@_cdecl("dl_web_use_level")
public func dl_web_use_level(_ level: Int32) -> Int32 {
    Int32(dl_simd_use(level == 0 ? DL_SIMD_PORTABLE : dl_simd_detected()).rawValue)
}

/// The optimized kernels at the level in use against the reference kernels (the board's
/// `duralava selftest`, KernelCheck): the number of failures, each printed on stderr;
/// dl_web_selftest_checks says how many checks ran.
@_cdecl("dl_web_selftest")
public func dl_web_selftest() -> Int32 {
    let (checks, failures, _) = KernelCheck.run()
    for f in failures { printError("duralava: kernel check failed: \(f)") }
    selftestChecks = Int32(checks)
    return Int32(failures.count)
}

@_cdecl("dl_web_selftest_checks") public func dl_web_selftest_checks() -> Int32 { selftestChecks }
