// Draws the lamp: a dark room, the metal base with the bulb's glow, the tapered glass
// full of glowing translucent liquid, the wax as smooth metaballs lit from below, and
// the cap.
//
// Everything that does not move (room, base, cap, glass, liquid, how strongly each point
// of the glass is lit) is painted once per size with 4x4 supersampling. A frame then
// only adds the wax: each blob's metaball field is accumulated inside its own bounding
// box, and the glass rows are shaded where the field is non-zero. The wax edge is
// antialiased analytically (field minus threshold over the field's gradient gives the
// signed distance to the surface in pixels). No allocation per frame.

public final class LampRenderer {
    public let width: Int
    public let height: Int
    public let palette: LampPalette
    public let geometry: LampGeometry

    /// Pixels per metre, and the world height at the centre row.
    let scale: Double
    let centreHeight: Double

    // Painted once per size.
    private var background: [Float]     // RGB, H*W*3: the lamp without wax
    private var waxLight: [Float]       // RGB multiplier for the wax colour at each pixel
    private var glassCover: [Float]     // fraction of each pixel inside the glass
    private var sheen: [Float]          // glass reflection added on top of the wax
    private var rowSpans: [(row: Int, first: Int, end: Int)]  // glass columns per row
    private var glassColumns: Range<Int> = 0..<0              // union of the row spans

    // Per-frame scratch: metaball field and field-weighted wax heat, with a one pixel
    // border of zeros so that gradients need no bounds checks.
    private var field: [Float]
    private var heat: [Float]
    private let stride: Int

    /// Iso-value of the metaball kernel (1 - q)^3 at q = 1/4, i.e. a blob's surface lies at
    /// half its influence radius.
    private let threshold: Float = 0.421875

    /// Lamp heights shown in the frame (m): a strip of the base below the glass, a strip
    /// of the cap above.
    static let viewBottom = -0.024
    static let viewTop = 0.284
    /// Narrowest world width shown (m): the base must fit.
    static let minimumViewWidth = 0.17

    // The base (a cone widening downwards) and the cap (a cone narrowing upwards).
    static let baseHeight = 0.10
    static let baseBottomRadius = 0.078
    static let capHeight = 0.06
    static let capTopRadius = 0.014
    /// Thickness of the glass wall (m).
    static let glassWall = 0.0022

    public init(width: Int, height: Int, palette: LampPalette = .classic, geometry: LampGeometry = .standard) {
        precondition(width >= 8 && height >= 8, "frames must be at least 8x8 pixels")
        self.width = width
        self.height = height
        self.palette = palette
        self.geometry = geometry
        let viewHeight = LampRenderer.viewTop - LampRenderer.viewBottom
        scale = min(Double(height) / viewHeight, Double(width) / LampRenderer.minimumViewWidth)
        centreHeight = 0.5 * (LampRenderer.viewTop + LampRenderer.viewBottom)
        stride = width + 2
        field = [Float](repeating: 0, count: (width + 2) * (height + 2))
        heat = field
        background = []; waxLight = []; glassCover = []; sheen = []; rowSpans = []
        paintStaticLayers()
    }

    // MARK: - Coordinates

    /// World (x, y) of a continuous pixel position (u to the right, v down; pixel (c, r)
    /// covers [c, c+1) x [r, r+1)).
    @inline(__always)
    func world(u: Double, v: Double) -> (x: Double, y: Double) {
        ((u - 0.5 * Double(width)) / scale, centreHeight - (v - 0.5 * Double(height)) / scale)
    }

    @inline(__always)
    func pixelU(_ x: Double) -> Double { 0.5 * Double(width) + x * scale }
    @inline(__always)
    func pixelV(_ y: Double) -> Double { 0.5 * Double(height) - (y - centreHeight) * scale }

    // MARK: - Static layers

    private func baseRadius(atHeight y: Double) -> Double {
        // y from 0 (top of the base, under the glass) down to -baseHeight.
        let top = geometry.bottomRadius + 0.006
        let t = min(max(-y / LampRenderer.baseHeight, 0), 1)
        return top + (LampRenderer.baseBottomRadius - top) * t
    }

    private func capRadius(atHeight y: Double) -> Double {
        let bottom = geometry.topRadius + LampRenderer.glassWall + 0.003
        let t = min(max((y - geometry.glassHeight) / LampRenderer.capHeight, 0), 1)
        return bottom + (LampRenderer.capTopRadius - bottom) * t
    }

    /// Brightness of the bulb's light inside the glass at height y: strong above the base,
    /// fading towards the cap.
    private func glowLevel(atHeight y: Double) -> Double {
        0.36 + 0.85 * exp(-max(y, 0) / 0.06)
    }

    /// Shading of a metal cone seen from the front, lit from the front-left, with a soft
    /// specular streak. s in [-1, 1] is the position across the cone.
    private func metalShade(_ s: Double) -> Double {
        let nz = (1 - min(s * s, 1)).squareRoot()
        let diffuse = max(0, 0.8 * nz - 0.45 * s)
        let streak = exp(-((s + 0.45) / 0.16) * ((s + 0.45) / 0.16))
        return 0.12 + 0.55 * diffuse + 0.55 * streak
    }

    /// Colour of the static scene at world point (x, y), and whether it is glass interior.
    private func sceneColour(x: Double, y: Double) -> (SIMD3<Double>, inside: Bool) {
        let p = palette
        let liquid = SIMD3<Double>(Double(p.liquid.x), Double(p.liquid.y), Double(p.liquid.z))
        let glow = SIMD3<Double>(Double(p.glow.x), Double(p.glow.y), Double(p.glow.z))
        let metal = SIMD3<Double>(Double(p.metal.x), Double(p.metal.y), Double(p.metal.z))
        let room = SIMD3<Double>(Double(p.background.x), Double(p.background.y), Double(p.background.z))
        let g = geometry

        if y >= 0 && y <= g.glassHeight {
            let r = g.radius(atHeight: y)
            let ax = abs(x)
            if ax <= r {
                // Liquid: lit from below, brighter where the light path through it is long
                // (the middle), darker at the rim where the curved glass bends the light away.
                let s = x / r
                let thickness = (1 - s * s).squareRoot()
                let rim = 1 - 0.55 * smoothStep(0.78, 1.0, ax / r)
                var c = liquid * (glowLevel(atHeight: y) * (0.55 + 0.45 * thickness) * rim)
                // Warm haze of the bulb just above the base.
                c += glow * (0.22 * exp(-y / 0.018))
                return (c, true)
            }
            if ax <= r + LampRenderer.glassWall {
                // The glass wall edge catches a little light.
                let c = liquid * (0.45 * glowLevel(atHeight: y)) + SIMD3<Double>(repeating: 0.05)
                return (c, false)
            }
        }
        if y < 0 && y >= -LampRenderer.baseHeight {
            let r = baseRadius(atHeight: y)
            if abs(x) <= r {
                var c = metal * metalShade(x / r)
                // The bulb shines through the slot at the top of the base.
                let lip = exp(y / 0.004)
                c = c * (1 - 0.6 * lip) + glow * (0.75 * lip) + liquid * (0.35 * lip)
                return (c, false)
            }
        }
        if y > g.glassHeight && y <= g.glassHeight + LampRenderer.capHeight {
            let r = capRadius(atHeight: y)
            if abs(x) <= r {
                var c = metal * metalShade(x / r) * 0.8
                // Light from the glass below reflects off the cap's lower edge.
                c += liquid * (0.25 * exp(-(y - g.glassHeight) / 0.006))
                return (c, false)
            }
        }
        // The room: dark, with the lamp's coloured light spilling onto the wall nearby.
        let lampEdge: Double
        if y >= 0 && y <= g.glassHeight { lampEdge = g.radius(atHeight: y) } else { lampEdge = 0.04 }
        let distance = max(0, abs(x) - lampEdge)
        let spill = exp(-distance / 0.035) * (0.35 + 0.65 * exp(-max(y, 0) / 0.12))
        let c = room + (liquid * 0.5 + glow * 0.1) * (0.16 * spill)
        return (c, false)
    }

    private func smoothStep(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let t = min(max((x - a) / (b - a), 0), 1)
        return t * t * (3 - 2 * t)
    }

    private func paintStaticLayers() {
        let w = width, h = height
        background = [Float](repeating: 0, count: w * h * 3)
        waxLight = [Float](repeating: 0, count: w * h * 3)
        glassCover = [Float](repeating: 0, count: w * h)
        sheen = [Float](repeating: 0, count: w * h)
        let p = palette
        let liquid = SIMD3<Double>(Double(p.liquid.x), Double(p.liquid.y), Double(p.liquid.z))
        // The wax is seen through some liquid: a light tint of the liquid's hue.
        let hue = liquid / max(liquid.max(), 1e-6)
        let tint = SIMD3<Double>(repeating: 0.72) + 0.28 * hue
        let samples = 4
        for r in 0..<h {
            for c in 0..<w {
                var sum = SIMD3<Double>(repeating: 0)
                var inside = 0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let u = Double(c) + (Double(sx) + 0.5) / Double(samples)
                        let v = Double(r) + (Double(sy) + 0.5) / Double(samples)
                        let (x, y) = world(u: u, v: v)
                        let (colour, isInside) = sceneColour(x: x, y: y)
                        sum += colour
                        if isInside { inside += 1 }
                    }
                }
                let i = r * w + c
                var colour = sum / Double(samples * samples)
                let (x, y) = world(u: Double(c) + 0.5, v: Double(r) + 0.5)
                let cover = Double(inside) / Double(samples * samples)
                glassCover[i] = Float(cover)
                if cover > 0 {
                    // A vertical reflection of the room's light on the glass, left of centre.
                    let gr = geometry.radius(atHeight: y)
                    let s = x / gr
                    let reflection = 0.10 * exp(-((s + 0.58) / 0.08) * ((s + 0.58) / 0.08)) * cover
                    sheen[i] = Float(reflection)
                    colour += SIMD3<Double>(repeating: reflection)
                    let thickness = (1 - min(s * s, 1)).squareRoot()
                    // Wax scatters the bulb's light well: it stays bright all the way up.
                    let light = tint * ((0.78 + 0.75 * exp(-max(y, 0) / 0.07)) * (0.85 + 0.15 * thickness))
                    waxLight[3 * i] = Float(light.x)
                    waxLight[3 * i + 1] = Float(light.y)
                    waxLight[3 * i + 2] = Float(light.z)
                }
                background[3 * i] = Float(min(max(colour.x, 0), 1))
                background[3 * i + 1] = Float(min(max(colour.y, 0), 1))
                background[3 * i + 2] = Float(min(max(colour.z, 0), 1))
            }
        }
        rowSpans = []
        for r in 0..<h {
            var first = -1, end = -1
            for c in 0..<w where glassCover[r * w + c] > 0 {
                if first < 0 { first = c }
                end = c + 1
            }
            if first >= 0 { rowSpans.append((r, first, end)) }
        }
        let firstColumn = rowSpans.map(\.first).min() ?? 0
        glassColumns = firstColumn..<max(firstColumn, rowSpans.map(\.end).max() ?? 0)
    }

    // MARK: - Frames

    /// Renders the lamp's state into `out` (H*W*3 interleaved RGB, top row first, values in
    /// [0, 1]). `interpolation` in [0, 1] places the frame between the previous physics
    /// step (0) and the current one (1).
    public func render(_ lamp: LavaLampPhysics, interpolation: Double = 1,
                       into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= width * height * 3, "output buffer holds \(out.count) values, needs \(width * height * 3)")
        let a = min(max(interpolation, 0), 1)
        let params = lamp.parameters
        let coldest = params.liquidTopTemperature
        let hottest = params.releaseTemperature + 3
        let heatScale = 1 / (hottest - coldest)

        field.withUnsafeMutableBufferPointer { fieldBuffer in
        heat.withUnsafeMutableBufferPointer { heatBuffer in
            let f = fieldBuffer.baseAddress!, hb = heatBuffer.baseAddress!
            // Clear the previous frame's wax (a few kilobytes: cheaper than tracking what was touched).
            f.update(repeating: 0, count: fieldBuffer.count)
            hb.update(repeating: 0, count: heatBuffer.count)
            // The pool reaches one row below the glass so that gradients on its last row are right.
            let lastPoolRow = min(height - 1, (rowSpans.last?.row ?? -2) + 1)

            // The pool: a layer whose surface ripples a little more the hotter it is.
            let poolHeat = Float(min(max((lamp.poolTemperature - coldest) * heatScale, 0), 1))
            let softness = 0.009 * scale  // kernel half-width in pixels
            let ripple = 0.0018 * min(max((lamp.poolTemperature - params.referenceTemperature) / 4, 0.2), 1.5)
            let t = lamp.time - (1 - a) * lamp.dt
            let (p0, p1, p2) = lamp.poolWavePhases
            for c in glassColumns {
                let x = (Double(c) + 0.5 - 0.5 * Double(width)) / scale
                let wave = sin(x * 160 + t * 0.9 + p0) * 0.6 + sin(x * 310 - t * 1.4 + p1) * 0.3
                    + sin(x * 90 - t * 0.5 + p2) * 0.4
                // The pool heaps up over the coil in the middle (a dome with the same
                // mean height as the flat layer).
                let across = min(abs(x) / geometry.bottomRadius, 1)
                let dome = lamp.poolHeight * (0.55 + 0.9 * (1 - across * across))
                let surfaceV = pixelV(dome + ripple * wave)
                // Kernel (1 - q^2)^3 on the height above a plane one softness below the surface.
                let coreV = surfaceV + softness
                let topRow = max(0, Int((coreV - 2 * softness).rounded(.down)))
                guard topRow <= lastPoolRow else { continue }
                for r in topRow...lastPoolRow {
                    let v = Double(r) + 0.5
                    let q = min(max((coreV - v) / (2 * softness), 0), 1)
                    let k = 1 - q * q
                    let value = Float(k * k * k)
                    let i = (r + 1) * stride + c + 1
                    f[i] += value
                    hb[i] += value * poolHeat
                }
            }

            // The blobs.
            for b in lamp.slots where b.alive {
                let x = b.px + (b.x - b.px) * a, y = b.py + (b.y - b.py) * a
                let bHeat = Float(min(max((b.temperature - coldest) * heatScale, 0), 1))
                if b.isAttached {
                    // A plume: the head, and a neck that joins it to the pool.
                    splat(f, hb, x: x, y: y, radius: b.radius, stretch: 1.15, dirX: 0, dirY: 1, heat: bHeat)
                    let neckY = 0.5 * (y + lamp.poolHeight)
                    splat(f, hb, x: x, y: neckY, radius: 0.55 * b.radius, stretch: 1.3, dirX: 0, dirY: 1, heat: bHeat)
                } else {
                    // Moving blobs stretch along their motion; blobs pressed under the cap flatten.
                    let speed = (b.vx * b.vx + b.vy * b.vy).squareRoot()
                    var stretch = 1 + min(0.45, speed / 0.02 * 0.3)
                    var dx = speed > 1e-6 ? b.vx / speed : 0, dy = speed > 1e-6 ? b.vy / speed : 1
                    if b.touchesTop { stretch = 1.3; dx = 1; dy = 0 }
                    splat(f, hb, x: x, y: y, radius: b.radius, stretch: stretch, dirX: dx, dirY: dy, heat: bHeat)
                }
            }

            // Shade.
            background.withUnsafeBufferPointer { bgBuffer in
            waxLight.withUnsafeBufferPointer { lightBuffer in
            glassCover.withUnsafeBufferPointer { coverBuffer in
            sheen.withUnsafeBufferPointer { sheenBuffer in
                let o = out.baseAddress!
                let bg = bgBuffer.baseAddress!, light = lightBuffer.baseAddress!
                let cover = coverBuffer.baseAddress!, gloss = sheenBuffer.baseAddress!
                o.update(from: bg, count: width * height * 3)
                let cool = palette.waxCool, hot = palette.waxHot - palette.waxCool
                let th = threshold
                let st = stride
                for span in rowSpans {
                    let r = span.row
                    for c in span.first..<span.end {
                        let i = (r + 1) * st + c + 1
                        let fv = f[i]
                        if fv < 0.1 { continue }
                        let gx = (f[i + 1] - f[i - 1]) * 0.5
                        let gy = (f[i + st] - f[i - st]) * 0.5
                        let gm = (gx * gx + gy * gy).squareRoot() + 1e-4
                        let p = r * width + c
                        var alpha = 0.5 + (fv - th) / gm
                        alpha = min(max(alpha, 0), 1) * cover[p]
                        if alpha <= 0 { continue }
                        // Surface normal. For one blob f = (1 - d^2/R^2)^3 with the surface at
                        // d = R/2, so s = f^(1/3) gives the sphere's facing component
                        // nz = sqrt(4s - 3) without knowing the blob's size; the in-plane part
                        // points down the field's gradient. Merged blobs shade smoothly.
                        let sphere = cbrtf(fv)
                        let nz = max(0, min(1, 4 * sphere - 3)).squareRoot()
                        let inPlane = (1 - nz * nz).squareRoot() / gm
                        let nx = -gx * inPlane, ny = -gy * inPlane   // ny > 0: facing down, towards the bulb
                        // Lit from below and in front by the bulb: the underside glows and takes
                        // on the hot colour.
                        let diffuse = max(0, 0.72 * ny + 0.62 * nz - 0.2 * nx)
                        let shade = 0.42 + 0.72 * diffuse
                        let w = min(max(hb[i] / fv * 0.85 + 0.35 * max(0, ny), 0), 1)
                        let q = 3 * p
                        let gl = gloss[p] * alpha
                        let wr = (cool.x + hot.x * w) * light[q] * shade + gl
                        let wg = (cool.y + hot.y * w) * light[q + 1] * shade + gl
                        let wb = (cool.z + hot.z * w) * light[q + 2] * shade + gl
                        o[q] = min(1, o[q] + alpha * (wr - o[q]))
                        o[q + 1] = min(1, o[q + 1] + alpha * (wg - o[q + 1]))
                        o[q + 2] = min(1, o[q + 2] + alpha * (wb - o[q + 2]))
                    }
                }
            }}}}
        }}
    }

    /// Adds one ellipsoidal metaball: `radius` is the blob's size (m), `stretch` the ratio of
    /// its long axis (along dirX, dirY, world y up) to its short axis at constant area.
    @inline(__always)
    private func splat(_ f: UnsafeMutablePointer<Float>, _ hb: UnsafeMutablePointer<Float>,
                       x: Double, y: Double, radius: Double, stretch: Double,
                       dirX: Double, dirY: Double, heat: Float) {
        let u0 = pixelU(x), v0 = pixelV(y)
        // Semi-axes of the influence region (twice the visible radius), in pixels.
        let long = 2 * radius * scale * stretch.squareRoot()
        let short = 2 * radius * scale / stretch.squareRoot()
        guard long > 0.3 else { return }
        // Direction in pixel coordinates (v points down).
        let ex = dirX, ey = -dirY
        // Quadratic form q = A du^2 + 2B du dv + C dv^2 with q = 1 on the influence boundary.
        let il = 1 / (long * long), isx = 1 / (short * short)
        let qa = ex * ex * il + ey * ey * isx
        let qb = ex * ey * (il - isx)
        let qc = ey * ey * il + ex * ex * isx
        let halfU = (long * long * ex * ex + short * short * ey * ey).squareRoot()
        let halfV = (long * long * ey * ey + short * short * ex * ex).squareRoot()
        let c0 = max(0, Int((u0 - halfU).rounded(.down))), c1 = min(width - 1, Int((u0 + halfU).rounded(.up)))
        let r0 = max(0, Int((v0 - halfV).rounded(.down))), r1 = min(height - 1, Int((v0 + halfV).rounded(.up)))
        guard c0 <= c1, r0 <= r1 else { return }
        let fa = Float(qa), fb = Float(2 * qb), fc = Float(qc)
        let fu0 = Float(u0), fv0 = Float(v0)
        let st = stride
        for r in r0...r1 {
            let dv = Float(r) + 0.5 - fv0
            let rowTerm = fc * dv * dv
            let cross = fb * dv
            var i = (r + 1) * st + c0 + 1
            for c in c0...c1 {
                let du = Float(c) + 0.5 - fu0
                let q = (fa * du + cross) * du + rowTerm
                if q < 1 {
                    let k = 1 - q
                    let value = k * k * k
                    f[i] += value
                    hb[i] += value * heat
                }
                i += 1
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
