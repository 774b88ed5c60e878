// Colour schemes of the simulated lamp. Colours are linear-ish display RGB in [0, 1].

public struct LampPalette: Sendable, Equatable {
    public let name: String
    /// The liquid as lit from below, at full glow.
    public let liquid: SIMD3<Float>
    /// Wax that has cooled near the cap, and wax fresh from the heater.
    public let waxCool: SIMD3<Float>
    public let waxHot: SIMD3<Float>
    /// Base and cap.
    public let metal: SIMD3<Float>
    /// The wall behind the lamp.
    public let background: SIMD3<Float>
    /// Light of the bulb in the base (the glow from below).
    public let glow: SIMD3<Float>

    public init(name: String, liquid: SIMD3<Float>, waxCool: SIMD3<Float>, waxHot: SIMD3<Float>,
                metal: SIMD3<Float>, background: SIMD3<Float>, glow: SIMD3<Float>) {
        self.name = name
        self.liquid = liquid
        self.waxCool = waxCool
        self.waxHot = waxHot
        self.metal = metal
        self.background = background
        self.glow = glow
    }

    /// Orange wax in red liquid, gold base: the lamp everyone pictures.
    public static let classic = LampPalette(
        name: "classic", liquid: [0.62, 0.07, 0.05], waxCool: [0.95, 0.38, 0.05], waxHot: [1.0, 0.78, 0.22],
        metal: [0.62, 0.48, 0.24], background: [0.028, 0.022, 0.03], glow: [1.0, 0.62, 0.3])

    /// Green-blue wax in deep blue liquid, silver base.
    public static let ocean = LampPalette(
        name: "ocean", liquid: [0.04, 0.2, 0.55], waxCool: [0.1, 0.75, 0.55], waxHot: [0.55, 1.0, 0.8],
        metal: [0.55, 0.57, 0.6], background: [0.02, 0.024, 0.032], glow: [0.85, 0.9, 1.0])

    /// Pink wax in purple liquid, black-chrome base.
    public static let violet = LampPalette(
        name: "violet", liquid: [0.36, 0.08, 0.55], waxCool: [0.95, 0.25, 0.6], waxHot: [1.0, 0.62, 0.85],
        metal: [0.38, 0.37, 0.42], background: [0.024, 0.02, 0.03], glow: [0.95, 0.75, 1.0])

    /// Yellow-green wax in clear amber liquid, silver base.
    public static let lime = LampPalette(
        name: "lime", liquid: [0.55, 0.42, 0.08], waxCool: [0.45, 0.8, 0.1], waxHot: [0.8, 1.0, 0.35],
        metal: [0.55, 0.57, 0.6], background: [0.025, 0.025, 0.022], glow: [1.0, 0.92, 0.7])

    public static let all: [LampPalette] = [.classic, .ocean, .violet, .lime]

    /// The palette of that name (case-insensitive), or nil.
    public static func named(_ name: String) -> LampPalette? {
        let key = name.lowercased()
        return all.first { $0.name == key }
    }
}
