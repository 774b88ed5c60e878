import CSDL2
import DuralavaRuntime
#if canImport(Glibc)
import Glibc
#endif

/// How the window is drawn. `software` scales the frame on the CPU into the window's own
/// framebuffer: no GL stack is loaded (Mesa's software GL alone is 55 MB of resident memory
/// under Xvfb). `accelerated` uses SDL's GPU renderer (GL/GLES). `auto` takes software where the
/// video driver has a framebuffer and falls back to accelerated (a KMS/DRM console has none).
public enum LampRenderer: String, CaseIterable { case auto, software, accelerated }

/// The SDL2 display: one window, a streaming RGB texture of the lamp's size, scaled smoothly
/// to the window with its aspect ratio kept, presented with vsync.
public final class LampWindow {
    private let window: OpaquePointer
    private let renderer: OpaquePointer
    private let texture: OpaquePointer
    private let frameWidth: Int32, frameHeight: Int32
    private var fullscreen: Bool

    private init(window: OpaquePointer, renderer: OpaquePointer, texture: OpaquePointer,
                 frameWidth: Int, frameHeight: Int, fullscreen: Bool) {
        self.window = window; self.renderer = renderer; self.texture = texture
        self.frameWidth = Int32(frameWidth); self.frameHeight = Int32(frameHeight)
        self.fullscreen = fullscreen
    }

    public static func sdlError() -> String { String(cString: SDL_GetError()) }

    public static func open(windowed: Bool, frameWidth: Int, frameHeight: Int, renderer choice: LampRenderer = .auto) throws(DisplayError) -> LampWindow {
        let noDisplay = "; on a console set SDL_VIDEODRIVER=kmsdrm, or render headless with `duralava render --out lamp.png`"
        let requested = getenv("SDL_VIDEODRIVER").map { String(cString: $0) } ?? ""
        let env = { (name: String) in !(getenv(name).map { String(cString: $0) } ?? "").isEmpty }
        if requested.isEmpty && !env("DISPLAY") && !env("WAYLAND_DISPLAY") {
            // No desktop: only a console (KMS/DRM) can show the lamp. Asking SDL for it alone
            // also spares the user the Wayland library's complaint about XDG_RUNTIME_DIR.
            SDL_SetHint("SDL_VIDEODRIVER", "kmsdrm")
        }
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else {
            throw DisplayError(message: "cannot open a display (SDL: \(sdlError()))" + noDisplay)
        }
        // Without X, Wayland or a usable console, SDL falls back to its invisible "offscreen"
        // (or "dummy") driver and the lamp would run forever where nobody sees it. Those
        // drivers are only for a user who asks for them by name.
        let driver = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? "none"
        if requested.isEmpty && (driver == "offscreen" || driver == "dummy" || driver == "none") {
            SDL_Quit()
            // A DISPLAY that is set but cannot be reached is not "no DISPLAY".
            let names: [String] = ["DISPLAY", "WAYLAND_DISPLAY"]
            let named = names.compactMap { name in
                getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : "\(name)=\($0)" }
            }
            let why = named.isEmpty ? "no DISPLAY or WAYLAND_DISPLAY" : "the display \(named.joined(separator: ", ")) could not be opened"
            throw DisplayError(message: "cannot open a display (\(why), and SDL found only its invisible \"\(driver)\" driver)"
                          + noDisplay)
        }
        SDL_SetHint("SDL_RENDER_SCALE_QUALITY", "linear")
        // Fullscreen at the current mode's size: asking for another size can switch the monitor's mode.
        var mode = SDL_DisplayMode()
        let haveMode = SDL_GetCurrentDisplayMode(0, &mode) == 0
        let centered = Int32(bitPattern: 0x2FFF_0000) // SDL_WINDOWPOS_CENTERED
        var w: Int32, h: Int32
        var flags = SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue
        if windowed {
            // A comfortable window: the frame scaled up to about half the screen height.
            let target = haveMode ? Swift.max(mode.h / 2, 256) : 512
            let k = Swift.max(1, target / Int32(frameHeight))
            w = Int32(frameWidth) * k; h = Int32(frameHeight) * k
        } else {
            w = haveMode ? mode.w : 1280; h = haveMode ? mode.h : 720
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue
        }
        guard let window = SDL_CreateWindow("duralava", centered, centered, w, h, flags) else {
            throw DisplayError(message: "cannot create a window (SDL: \(sdlError()))")
        }
        var renderer: OpaquePointer? = nil
        if choice != .accelerated {
            // The window's framebuffer drawn by the CPU, not emulated with a GL texture.
            SDL_SetHint("SDL_FRAMEBUFFER_ACCELERATION", "0")
            renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue)
        }
        if renderer == nil && choice != .software {
            renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED.rawValue | SDL_RENDERER_PRESENTVSYNC.rawValue)
        }
        if renderer == nil && choice == .accelerated { renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue) }
        guard let renderer else { throw DisplayError(message: "cannot create a renderer (SDL: \(sdlError()))") }
        guard let texture = SDL_CreateTexture(renderer, UInt32(SDL_PIXELFORMAT_RGB24.rawValue),
                                              Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                              Int32(frameWidth), Int32(frameHeight)) else {
            throw DisplayError(message: "cannot create a texture (SDL: \(sdlError()))")
        }
        if !windowed { SDL_ShowCursor(SDL_DISABLE) }
        return LampWindow(window: window, renderer: renderer, texture: texture,
                          frameWidth: frameWidth, frameHeight: frameHeight, fullscreen: !windowed)
    }

    public func pollKeys() -> LampKey {
        var event = SDL_Event()
        while SDL_PollEvent(&event) != 0 {
            if event.type == SDL_QUIT.rawValue { return .quit }
            guard event.type == SDL_KEYDOWN.rawValue else { continue }
            switch Int(event.key.keysym.sym) {
            case Int(SDLK_ESCAPE.rawValue), Int(SDLK_q.rawValue): return .quit
            case Int(SDLK_f.rawValue): return .toggleFullscreen
            case Int(SDLK_SPACE.rawValue): return .pause
            case Int(SDLK_r.rawValue): return .reseed
            case Int(SDLK_s.rawValue): return .screenshot
            case Int(SDLK_PLUS.rawValue), Int(SDLK_EQUALS.rawValue), Int(SDLK_KP_PLUS.rawValue): return .faster
            case Int(SDLK_MINUS.rawValue), Int(SDLK_KP_MINUS.rawValue): return .slower
            case Int(SDLK_c.rawValue): return .nextPalette
            case Int(SDLK_RIGHTBRACKET.rawValue): return .brighter
            case Int(SDLK_LEFTBRACKET.rawValue): return .dimmer
            default: continue
            }
        }
        return .none
    }

    public func toggleFullscreen() {
        fullscreen.toggle()
        SDL_SetWindowFullscreen(window, fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue : 0)
        SDL_ShowCursor(fullscreen ? SDL_DISABLE : SDL_ENABLE)
    }

    public func show(_ rgb: UnsafeMutableBufferPointer<UInt8>) {
        SDL_UpdateTexture(texture, nil, rgb.baseAddress, frameWidth * 3)
        var ow: Int32 = 0, oh: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &ow, &oh)
        // Largest rectangle of the lamp's aspect that fits, centred; the rest stays black.
        let scale = Swift.min(Double(ow) / Double(frameWidth), Double(oh) / Double(frameHeight))
        let dw = Int32(Double(frameWidth) * scale), dh = Int32(Double(frameHeight) * scale)
        var dest = SDL_Rect(x: (ow - dw) / 2, y: (oh - dh) / 2, w: dw, h: dh)
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        SDL_RenderClear(renderer)
        SDL_RenderCopy(renderer, texture, nil, &dest)
        SDL_RenderPresent(renderer)
    }

    public func close() {
        SDL_DestroyTexture(texture)
        SDL_DestroyRenderer(renderer)
        SDL_DestroyWindow(window)
        SDL_Quit()
    }
}
