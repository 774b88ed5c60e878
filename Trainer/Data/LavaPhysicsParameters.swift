// Physical constants and tuning of the simulated lamp. SI units (m, s, kg, K in °C).
// The defaults give a warmed-up lamp whose blobs rise from the pool to the cap in about
// 10–40 s (median ~18 s over 50 seeds), with a blob leaving the pool every ~10 s.

public struct LavaPhysicsParameters: Sendable {
    /// Fixed physics substeps per lamp-second. Frames are rendered from these states at
    /// whatever frame rate is asked for, so the motion does not depend on the frame rate.
    public var stepsPerSecond: Double = 60

    public var gravity: Double = 9.81
    /// Density of liquid and wax at the reference temperature (they are tuned to match there).
    public var referenceDensity: Double = 1000
    public var referenceTemperature: Double = 50
    /// Volumetric thermal expansion coefficients (1/K). Wax expands about three times as
    /// much as the liquid: warm wax is lighter than the liquid around it, cool wax heavier.
    public var waxExpansion: Double = 9e-4
    public var liquidExpansion: Double = 3e-4
    /// Effective dynamic viscosity of the liquid (Pa·s) for Stokes drag on a blob.
    public var viscosity: Double = 0.18

    /// Liquid temperature: warm just above the heater, cooler towards the cap, always a
    /// little below the wax's neutral temperature, so a blob away from the pool can only
    /// cool, eventually sinks and never hovers forever.
    public var liquidBottomTemperature: Double = 49.0
    public var liquidTopTemperature: Double = 44.0
    /// e-folding height of the liquid's warm layer above the heater (m).
    public var liquidWarmLayerHeight: Double = 0.07
    /// Extra cooling of the liquid just under the cap, which loses heat to the room (K),
    /// and the depth of that cool layer (m).
    public var capCooling: Double = 3
    public var capCoolLayerDepth: Double = 0.03

    /// Lumped thermal time constant of a blob of 1 cm radius (s); it scales with the
    /// radius (volume over surface), so small blobs cool quickly and turn back early.
    public var thermalTimeAt1cm: Double = 24

    /// Heater: warming rate (K/s) of the pool holding all the wax plus the heater's own
    /// thermal mass; a smaller pool warms faster (the same power into less wax).
    public var heaterRate: Double = 0.11
    /// What the heater warms besides the pool (bulb, coil, the glass bottom), as the
    /// volume of wax of the same heat capacity (m³).
    public var heaterThermalMass: Double = 400e-6
    /// Time constant of the pool's heat loss to the liquid (s).
    public var poolLossTime: Double = 60
    /// Pool temperature above which it pushes up plumes that detach as blobs.
    public var releaseTemperature: Double = 53
    /// Wax volume growing into a nascent blob per second and per kelvin above the release
    /// temperature (m³/(s·K)).
    public var plumeGrowthRate: Double = 0.9e-6
    /// At most this many plumes grow out of the pool at the same time.
    public var maxPlumes: Int = 3
    /// A new plume needs time to form after the last one started (s, drawn uniformly).
    public var releaseIntervalRange: ClosedRange<Double> = 2...8

    /// All the wax in the lamp (m³); conserved.
    public var totalWaxVolume: Double = 190e-6
    /// The pool never gives away its last layer (it covers the coil).
    public var poolReserveVolume: Double = 70e-6

    /// Size of released blobs: log-normal radius with this median (m) and log spread.
    public var releaseMedianRadius: Double = 0.014
    public var releaseRadiusSpread: Double = 0.3

    /// Blobs above this radius (m) that move become unstable and split, at this rate (1/s)
    /// scaled by how far above the limit they are.
    public var splitRadius: Double = 0.019
    public var splitRate: Double = 0.05

    /// Two touching blobs merge after the liquid film between them drains: a time drawn
    /// per blob between these bounds (s).
    public var coalescenceTimeRange: ClosedRange<Double> = 0.8...4.0
    /// Blobs do not merge into one larger than this radius (m): it would not fit the glass.
    public var maxMergedRadius: Double = 0.024

    /// Slow random currents in the liquid that push blobs sideways (m/s, s).
    public var currentSpeed: Double = 0.003
    public var currentTime: Double = 6

    /// Room for blobs in flight (fixed capacity: the step allocates nothing).
    public var maxBlobs: Int = 24

    public init() {}
}
