// The glass vessel of the lamp, in metres. y runs up from the bottom of the glass (where
// the heater sits), x to the right and z towards the viewer. The vessel is a solid of
// revolution: a short bulge above the base, then a long taper to a narrow neck under
// the cap, like a classic lava lamp globe.

public struct LampGeometry: Sendable {
    /// Height of the liquid column inside the glass.
    public let glassHeight: Double
    /// Inner radius at the bottom of the glass, where it sits in the base.
    public let bottomRadius: Double
    /// Widest inner radius and the height at which it is reached.
    public let widestRadius: Double
    public let widestHeight: Double
    /// Inner radius at the top, under the cap.
    public let topRadius: Double

    // Cumulative volume table for converting the pool's volume to its height and back.
    private let tableStep: Double
    private let cumulativeVolume: [Double]

    public static let standard = LampGeometry(glassHeight: 0.26, bottomRadius: 0.048, widestRadius: 0.06,
                                              widestHeight: 0.05, topRadius: 0.028)

    public init(glassHeight: Double, bottomRadius: Double, widestRadius: Double,
                widestHeight: Double, topRadius: Double) {
        self.glassHeight = glassHeight
        self.bottomRadius = bottomRadius
        self.widestRadius = widestRadius
        self.widestHeight = widestHeight
        self.topRadius = topRadius
        let steps = 2048
        tableStep = glassHeight / Double(steps)
        var table = [Double](repeating: 0, count: steps + 1)
        // Midpoint rule per slice: pi R^2 dy.
        for i in 0..<steps {
            let r = LampGeometry.profile(y: (Double(i) + 0.5) * glassHeight / Double(steps), glassHeight: glassHeight,
                                         bottomRadius: bottomRadius, widestRadius: widestRadius,
                                         widestHeight: widestHeight, topRadius: topRadius)
            table[i + 1] = table[i] + Double.pi * r * r * glassHeight / Double(steps)
        }
        cumulativeVolume = table
    }

    private static func profile(y: Double, glassHeight: Double, bottomRadius: Double, widestRadius: Double,
                                widestHeight: Double, topRadius: Double) -> Double {
        let yc = min(max(y, 0), glassHeight)
        if yc < widestHeight {
            // Quarter sine: the glass flares out of the base and reaches its widest point smoothly.
            return bottomRadius + (widestRadius - bottomRadius) * sin(0.5 * Double.pi * yc / widestHeight)
        }
        // Straight taper (a cone) up to the neck. The slight kink where the cone meets the
        // bulge is what real globes look like too.
        let t = (yc - widestHeight) / (glassHeight - widestHeight)
        return widestRadius + (topRadius - widestRadius) * t
    }

    /// Inner radius of the glass at height y (clamped to the glass).
    @inline(__always)
    public func radius(atHeight y: Double) -> Double {
        LampGeometry.profile(y: y, glassHeight: glassHeight, bottomRadius: bottomRadius,
                             widestRadius: widestRadius, widestHeight: widestHeight, topRadius: topRadius)
    }

    /// Volume of the vessel below height h.
    public func volume(belowHeight h: Double) -> Double {
        let u = min(max(h, 0), glassHeight) / tableStep
        let i = min(Int(u), cumulativeVolume.count - 2)
        let f = u - Double(i)
        return cumulativeVolume[i] + f * (cumulativeVolume[i + 1] - cumulativeVolume[i])
    }

    /// Height of a flat layer of the given volume resting on the bottom (inverse of
    /// `volume(belowHeight:)`).
    public func height(ofVolume v: Double) -> Double {
        if v <= 0 { return 0 }
        if v >= cumulativeVolume[cumulativeVolume.count - 1] { return glassHeight }
        var lo = 0, hi = cumulativeVolume.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if cumulativeVolume[mid] <= v { lo = mid } else { hi = mid }
        }
        let f = (v - cumulativeVolume[lo]) / (cumulativeVolume[hi] - cumulativeVolume[lo])
        return (Double(lo) + f) * tableStep
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
