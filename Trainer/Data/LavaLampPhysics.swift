// The physics of the lamp: a pool of wax on the heater, blobs of wax in flight.
//
// Every blob carries a volume, a temperature, a position and a velocity in the
// three-dimensional vessel. The heater warms the pool; warm wax expands more than the
// liquid, so a warm pool pushes up plumes that detach as blobs. A blob rises by buoyancy
// against Stokes drag, cools towards the liquid (faster when small), becomes denser than
// the liquid, sinks, lands on the pool and melts back into it. Touching blobs merge once
// the film between them has drained; large moving blobs split. Volume moves only between
// the pool and blobs, and merges and splits add volumes exactly, so the wax volume is
// conserved up to floating-point rounding.

/// One blob of wax as seen from outside (a snapshot).
public struct LavaBlob: Sendable {
    /// Unique for the life of the lamp; a merged blob keeps the larger one's id, the
    /// smaller part of a split gets a new one.
    public internal(set) var id: UInt64
    /// Position of the centre (m): y up from the bottom of the glass, x right, z towards the viewer.
    public internal(set) var x: Double
    public internal(set) var y: Double
    public internal(set) var z: Double
    /// Velocity (m/s).
    public internal(set) var vx: Double
    public internal(set) var vy: Double
    public internal(set) var vz: Double
    /// Volume (m³) and the radius of a sphere of that volume (m).
    public internal(set) var volume: Double
    public internal(set) var radius: Double
    /// Temperature (°C).
    public internal(set) var temperature: Double
    /// True while the blob is still a plume growing out of the pool.
    public internal(set) var isAttached: Bool

    // Internal state.
    var alive: Bool
    var targetVolume: Double      // a plume detaches at this volume
    var coalescenceTime: Double   // film drainage time for contacts of this blob
    var poolContact: Double       // seconds resting on the pool
    var px: Double, py: Double, pz: Double  // position one step ago (for frame interpolation)
    var currentX: Double, currentY: Double, currentZ: Double  // the liquid's local current (m/s)
    var touchesTop: Bool

    static let empty = LavaBlob(id: 0, x: 0, y: 0, z: 0, vx: 0, vy: 0, vz: 0, volume: 0, radius: 0,
                                temperature: 0, isAttached: false, alive: false, targetVolume: 0,
                                coalescenceTime: 1, poolContact: 0, px: 0, py: 0, pz: 0,
                                currentX: 0, currentY: 0, currentZ: 0, touchesTop: false)
}

@inline(__always)
func sphereRadius(volume v: Double) -> Double {
    cbrt(max(v, 0) * (3.0 / (4.0 * Double.pi)))
}

public struct LavaLampPhysics {
    public let parameters: LavaPhysicsParameters
    public let geometry: LampGeometry
    /// Length of one physics step (s).
    public let dt: Double

    /// Physics steps taken since the lamp was switched on.
    public private(set) var stepCount: Int = 0
    /// Lamp time (s).
    public var time: Double { Double(stepCount) * dt }

    /// Wax in the pool on the heater (m³), its temperature (°C) and its mean height (m).
    public private(set) var poolVolume: Double
    public private(set) var poolTemperature: Double
    public private(set) var poolHeight: Double

    /// Events since switch-on, for statistics and tests.
    public private(set) var detachmentCount = 0
    public private(set) var mergeCount = 0
    public private(set) var splitCount = 0
    public private(set) var landingCount = 0

    /// Fixed-capacity blob slots; dead slots have alive == false.
    private(set) var slots: [LavaBlob]
    /// Seconds each pair of slots has been touching (negative: recently split apart).
    private var contact: [Double]
    private var random: SeededRandom
    private var nextId: UInt64 = 1
    private var releaseCooldown: Double = 0
    /// Phases of the slow ripples on the pool surface (rendering only).
    let poolWavePhases: (Double, Double, Double)

    public init(seed: UInt64, parameters: LavaPhysicsParameters = LavaPhysicsParameters(),
                geometry: LampGeometry = .standard) {
        precondition(parameters.stepsPerSecond > 0 && parameters.maxBlobs > 0)
        precondition(parameters.totalWaxVolume > parameters.poolReserveVolume)
        self.parameters = parameters
        self.geometry = geometry
        dt = 1 / parameters.stepsPerSecond
        random = SeededRandom(seed: seed)
        slots = [LavaBlob](repeating: .empty, count: parameters.maxBlobs)
        contact = [Double](repeating: 0, count: parameters.maxBlobs * parameters.maxBlobs)
        poolVolume = parameters.totalWaxVolume
        poolTemperature = parameters.releaseTemperature - 2 + random.uniform(-1, 1)
        poolHeight = geometry.height(ofVolume: parameters.totalWaxVolume)
        poolWavePhases = (random.uniform(0, 6.283), random.uniform(0, 6.283), random.uniform(0, 6.283))
        releaseCooldown = random.uniform(0, 3)
    }

    // MARK: - Observation

    /// The blobs now in the lamp (allocates; for inspection and tests, not for hot loops).
    public var blobs: [LavaBlob] { slots.filter { $0.alive } }

    /// Number of blobs in flight or growing out of the pool.
    public var blobCount: Int {
        var n = 0
        for b in slots where b.alive { n += 1 }
        return n
    }

    /// All the wax: pool plus blobs (m³). Equal to `parameters.totalWaxVolume` up to rounding.
    public var totalWaxVolume: Double {
        var v = poolVolume
        for b in slots where b.alive { v += b.volume }
        return v
    }

    /// Liquid temperature at height y (°C).
    @inline(__always)
    public func liquidTemperature(atHeight y: Double) -> Double {
        let p = parameters
        return p.liquidTopTemperature + (p.liquidBottomTemperature - p.liquidTopTemperature)
            * exp(-max(y, 0) / p.liquidWarmLayerHeight)
            - p.capCooling * exp(-max(geometry.glassHeight - y, 0) / p.capCoolLayerDepth)
    }

    /// Buoyancy minus weight per unit volume (N/m³) of wax at temperature t at height y.
    @inline(__always)
    public func netBuoyancyDensity(waxTemperature t: Double, atHeight y: Double) -> Double {
        let p = parameters
        let liquid = p.referenceDensity * (1 - p.liquidExpansion * (liquidTemperature(atHeight: y) - p.referenceTemperature))
        let wax = p.referenceDensity * (1 - p.waxExpansion * (t - p.referenceTemperature))
        return (liquid - wax) * p.gravity
    }

    // MARK: - Stepping

    /// Advances the lamp by one physics step of `dt` seconds.
    public mutating func step() {
        stepCount += 1
        for i in slots.indices where slots[i].alive {
            slots[i].px = slots[i].x; slots[i].py = slots[i].y; slots[i].pz = slots[i].z
        }
        heatPool()
        releasePlumes()
        growPlumes()
        moveFreeBlobs()
        resolveContacts()
        landOnPool()
        splitLargeBlobs()
        poolHeight = geometry.height(ofVolume: poolVolume)
    }

    /// Advances the lamp by `seconds` of lamp time (rounded down to whole steps).
    public mutating func advance(seconds: Double) {
        let n = Int((seconds / dt).rounded(.down))
        for _ in 0..<max(n, 0) { step() }
    }

    private mutating func heatPool() {
        let p = parameters
        let heating = p.heaterRate * (p.totalWaxVolume + p.heaterThermalMass) / (poolVolume + p.heaterThermalMass)
        let loss = (poolTemperature - liquidTemperature(atHeight: 0)) / p.poolLossTime
        poolTemperature += (heating - loss) * dt
    }

    private mutating func releasePlumes() {
        let p = parameters
        // A thin pool forms plumes more slowly (the instability grows with the layer's
        // depth): the time to the next plume runs slower while the pool is low, which
        // keeps the pool from draining and the lamp from pulsing.
        let available = (poolVolume - p.poolReserveVolume) / (p.totalWaxVolume - p.poolReserveVolume)
        releaseCooldown -= dt * max(0.25, min(1, 2 * available))
        guard releaseCooldown <= 0, poolTemperature > p.releaseTemperature,
              poolVolume > p.poolReserveVolume + 1e-6 else { return }
        var plumes = 0
        for b in slots where b.alive && b.isAttached { plumes += 1 }
        guard plumes < p.maxPlumes, let slot = freeSlot() else { return }

        // Where on the pool: anywhere over the coil, away from another growing plume.
        let footprint = 0.65 * geometry.radius(atHeight: poolHeight)
        var x = 0.0, z = 0.0
        for _ in 0..<8 {
            let a = random.uniform(0, 2 * Double.pi), r = footprint * random.uniform().squareRoot()
            x = r * cos(a); z = r * sin(a)
            var clear = true
            for b in slots where b.alive && b.isAttached {
                let dx = b.x - x, dz = b.z - z
                if dx * dx + dz * dz < (2.2 * b.radius) * (2.2 * b.radius) { clear = false }
            }
            if clear { break }
        }
        // Log-normal sizes, truncated to what a plume in this glass can be. A thin pool
        // gives smaller plumes (the unstable wavelength scales with the layer's depth).
        let depthFactor = min(1, 0.55 + 0.9 * max(available, 0))
        let radius = depthFactor * min(max(p.releaseMedianRadius * exp(p.releaseRadiusSpread * random.normal()),
                                           0.5 * p.releaseMedianRadius), 1.6 * p.releaseMedianRadius)
        let target = 4.0 / 3.0 * Double.pi * radius * radius * radius
        let seed = min(0.05 * target, poolVolume - p.poolReserveVolume)
        poolVolume -= seed
        var b = LavaBlob.empty
        b.id = nextId; nextId += 1
        b.alive = true
        b.isAttached = true
        b.volume = seed
        b.radius = sphereRadius(volume: seed)
        b.targetVolume = target
        b.temperature = poolTemperature
        b.x = x; b.z = z; b.y = poolHeight
        b.px = x; b.pz = z; b.py = poolHeight
        b.coalescenceTime = random.uniform(p.coalescenceTimeRange.lowerBound, p.coalescenceTimeRange.upperBound)
        slots[slot] = b
        clearContacts(slot)
        releaseCooldown = random.uniform(p.releaseIntervalRange.lowerBound, p.releaseIntervalRange.upperBound)
    }

    /// Plumes draw wax from the warm pool until they are big enough to tear off; a plume
    /// over a pool that has cooled melts back into it.
    private mutating func growPlumes() {
        let p = parameters
        for i in slots.indices where slots[i].alive && slots[i].isAttached {
            var b = slots[i]
            let excess = poolTemperature - (p.releaseTemperature - 1)
            var dv = p.plumeGrowthRate * excess * dt
            if dv > 0 { dv = min(dv, poolVolume - p.poolReserveVolume, b.targetVolume - b.volume) }
            if dv < 0 { dv = max(dv, -b.volume) }
            b.volume += dv
            poolVolume -= dv
            b.radius = sphereRadius(volume: b.volume)
            // A plume is part of the pool: it takes on the pool's temperature within seconds.
            let tau = p.thermalTimeAt1cm * max(b.radius, 0.002) / 0.01 / 3
            b.temperature = poolTemperature + (b.temperature - poolTemperature) * exp(-dt / tau)
            let progress = min(b.volume / b.targetVolume, 1)
            // The plume rises out of the surface as it fills: first a bulge, then a head on a neck.
            b.y = poolHeight + b.radius * (1.3 * progress - 0.3)
            b.vx = 0; b.vz = 0; b.vy = (b.y - b.py) / dt
            if b.volume <= 1e-12 {
                poolVolume += b.volume
                b.volume = 0
                b.alive = false
            } else if b.volume >= b.targetVolume * (1 - 1e-9)
                        || (dv <= 0 && excess > 0 && b.radius >= 0.4 * p.releaseMedianRadius) {
                // Tears off: either full, or the warm pool has nothing more to give (a plume
                // must never wait for wax that will not come).
                b.isAttached = false
                b.vy = 0.002
                detachmentCount += 1
            }
            slots[i] = b
        }
    }

    private mutating func moveFreeBlobs() {
        let p = parameters
        let currentDecay = exp(-dt / p.currentTime)
        let currentKick = p.currentSpeed * (1 - currentDecay * currentDecay).squareRoot()
        for i in slots.indices where slots[i].alive && !slots[i].isAttached {
            var b = slots[i]
            // Heat exchange with the liquid (exact exponential relaxation over the step).
            let tau = p.thermalTimeAt1cm * b.radius / 0.01
            let tLiquid = liquidTemperature(atHeight: b.y)
            b.temperature = tLiquid + (b.temperature - tLiquid) * exp(-dt / tau)

            // Slowly wandering liquid currents (Ornstein–Uhlenbeck), weaker vertically.
            b.currentX = b.currentX * currentDecay + currentKick * random.normal()
            b.currentZ = b.currentZ * currentDecay + currentKick * random.normal()
            b.currentY = b.currentY * currentDecay + 0.3 * currentKick * random.normal()

            // Buoyancy against Stokes drag (with a wall correction), with the liquid's added
            // mass; drag is integrated implicitly so that small blobs stay stable.
            let wallRadius = geometry.radius(atHeight: b.y)
            let drag = 6 * Double.pi * p.viscosity * b.radius * (1 + 1.5 * b.radius / wallRadius)
            let mass = 1.5 * p.referenceDensity * b.volume
            let lift = netBuoyancyDensity(waxTemperature: b.temperature, atHeight: b.y) * b.volume
            let k = dt / mass
            let denom = 1 + k * drag
            b.vx = (b.vx + k * drag * b.currentX) / denom
            b.vz = (b.vz + k * drag * b.currentZ) / denom
            b.vy = (b.vy + k * (lift + drag * b.currentY)) / denom
            b.x += b.vx * dt; b.y += b.vy * dt; b.z += b.vz * dt
            constrainToGlass(&b)
            slots[i] = b
        }
    }

    /// Keeps a blob inside the glass: it may press a little into the wall and the cap
    /// (it deforms there), never through.
    @inline(__always)
    private func constrainToGlass(_ b: inout LavaBlob) {
        let top = geometry.glassHeight - 0.8 * b.radius
        b.touchesTop = b.y >= top
        if b.y > top { b.y = top; if b.vy > 0 { b.vy = 0 } }
        let limit = max(0, geometry.radius(atHeight: b.y) - 0.85 * b.radius)
        let rho2 = b.x * b.x + b.z * b.z
        if rho2 > limit * limit {
            let rho = rho2.squareRoot()
            let nx = b.x / rho, nz = b.z / rho
            b.x = nx * limit; b.z = nz * limit
            let outward = b.vx * nx + b.vz * nz
            if outward > 0 { b.vx -= outward * nx; b.vz -= outward * nz }
        }
    }

    /// Touching blobs push each other apart; those touching longer than their film
    /// drainage time merge.
    private mutating func resolveContacts() {
        let n = slots.count
        for i in 0..<n where slots[i].alive {
            var j = i + 1
            while j < n {
                defer { j += 1 }
                guard slots[i].alive, slots[j].alive else { continue }
                let a = slots[i], b = slots[j]
                let dx = b.x - a.x, dy = b.y - a.y, dz = b.z - a.z
                let d2 = dx * dx + dy * dy + dz * dz
                let reach = a.radius + b.radius
                let c = i * n + j
                if d2 >= reach * reach {
                    contact[c] = contact[c] < 0 ? min(0, contact[c] + dt) : 0
                    continue
                }
                contact[c] += dt
                // Blobs that would together be too big for the neck of the glass stay apart.
                if contact[c] > 0.5 * (a.coalescenceTime + b.coalescenceTime),
                   sphereRadius(volume: a.volume + b.volume) <= parameters.maxMergedRadius {
                    merge(i, j)
                    continue
                }
                // Push apart to 90% of the touching distance (blobs squash a little).
                let d = max(d2.squareRoot(), 1e-9)
                let target = 0.9 * reach
                if d < target {
                    let nx = dx / d, ny = dy / d, nz = dz / d
                    let overlap = target - d
                    // A plume is held by the pool and does not move.
                    let wa = a.isAttached ? 0 : (b.isAttached ? 1 : b.volume / (a.volume + b.volume))
                    let wb = b.isAttached ? 0 : 1 - wa
                    slots[i].x -= nx * overlap * wa; slots[i].y -= ny * overlap * wa; slots[i].z -= nz * overlap * wa
                    slots[j].x += nx * overlap * wb; slots[j].y += ny * overlap * wb; slots[j].z += nz * overlap * wb
                    // Remove the approaching part of the relative velocity, sharing momentum.
                    let closing = (a.vx - b.vx) * nx + (a.vy - b.vy) * ny + (a.vz - b.vz) * nz
                    if closing > 0 {
                        if !a.isAttached {
                            slots[i].vx -= closing * nx * wa; slots[i].vy -= closing * ny * wa; slots[i].vz -= closing * nz * wa
                        }
                        if !b.isAttached {
                            slots[j].vx += closing * nx * wb; slots[j].vy += closing * ny * wb; slots[j].vz += closing * nz * wb
                        }
                    }
                    if !slots[i].isAttached { constrainToGlass(&slots[i]) }
                    if !slots[j].isAttached { constrainToGlass(&slots[j]) }
                }
            }
        }
    }

    /// Merges slot j into slot i: volumes add, momentum and heat are conserved, the centre
    /// of volume stays put.
    private mutating func merge(_ i: Int, _ j: Int) {
        let a = slots[i], b = slots[j]
        let v = a.volume + b.volume
        let fa = a.volume / v, fb = b.volume / v
        var m = a
        m.id = a.volume >= b.volume ? a.id : b.id
        m.volume = v
        m.radius = sphereRadius(volume: v)
        m.temperature = fa * a.temperature + fb * b.temperature
        m.x = fa * a.x + fb * b.x; m.y = fa * a.y + fb * b.y; m.z = fa * a.z + fb * b.z
        m.px = fa * a.px + fb * b.px; m.py = fa * a.py + fb * b.py; m.pz = fa * a.pz + fb * b.pz
        m.vx = fa * a.vx + fb * b.vx; m.vy = fa * a.vy + fb * b.vy; m.vz = fa * a.vz + fb * b.vz
        m.currentX = fa * a.currentX + fb * b.currentX
        m.currentY = fa * a.currentY + fb * b.currentY
        m.currentZ = fa * a.currentZ + fb * b.currentZ
        m.coalescenceTime = fa * a.coalescenceTime + fb * b.coalescenceTime
        m.poolContact = max(a.poolContact, b.poolContact)
        // A plume that swallows a blob keeps growing from the pool.
        m.isAttached = a.isAttached || b.isAttached
        if m.isAttached {
            m.targetVolume = max(a.isAttached ? a.targetVolume : 0, b.isAttached ? b.targetVolume : 0, v)
            m.x = a.isAttached ? a.x : b.x
            m.z = a.isAttached ? a.z : b.z
        } else {
            constrainToGlass(&m)
        }
        slots[i] = m
        slots[j] = .empty
        clearContacts(i)
        clearContacts(j)
        mergeCount += 1
    }

    /// A sinking blob that rests on the pool is warmed by it and melts in once the film
    /// between them drains.
    private mutating func landOnPool() {
        let p = parameters
        for i in slots.indices where slots[i].alive && !slots[i].isAttached {
            var b = slots[i]
            let floor = poolHeight + 0.75 * b.radius
            // Contact holds while the blob stays within a small gap of the pool (a blob
            // bobbing on the surface does not drain the film again from scratch).
            let gap = b.poolContact > 0 ? 0.25 * b.radius : 0
            if b.y > floor + gap || (b.vy > 0 && b.poolContact == 0) {
                b.poolContact = 0
                slots[i] = b
                continue
            }
            if b.y < floor { b.y = floor; if b.vy < 0 { b.vy = 0 } }
            b.poolContact += dt
            let tau = p.thermalTimeAt1cm * b.radius / 0.01 / 3
            b.temperature = poolTemperature + (b.temperature - poolTemperature) * exp(-dt / tau)
            if b.poolContact > b.coalescenceTime {
                // The cool blob mixes into the pool and the heater's own thermal mass.
                let hot = poolVolume + p.heaterThermalMass
                poolTemperature = (poolTemperature * hot + b.temperature * b.volume) / (hot + b.volume)
                poolVolume += b.volume
                b = .empty
                clearContacts(i)
                landingCount += 1
            }
            slots[i] = b
        }
    }

    /// Large moving blobs are unstable (their trailing part is held back by the drag and
    /// necks off): they split in two along their direction of motion.
    private mutating func splitLargeBlobs() {
        let p = parameters
        for i in slots.indices where slots[i].alive && !slots[i].isAttached {
            let b = slots[i]
            guard b.radius > p.splitRadius else { continue }
            let speed = (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz).squareRoot()
            guard speed > 0.004, b.poolContact == 0 else { continue }
            let excess = (b.radius / p.splitRadius) * (b.radius / p.splitRadius) * (b.radius / p.splitRadius) - 1
            guard random.uniform() < p.splitRate * excess * dt, let j = freeSlot() else { continue }
            let f = random.uniform(0.35, 0.65)
            let v1 = b.volume * f, v2 = b.volume - v1
            let r1 = sphereRadius(volume: v1), r2 = sphereRadius(volume: v2)
            let nx = b.vx / speed, ny = b.vy / speed, nz = b.vz / speed
            let d = 0.95 * (r1 + r2)
            var lead = b, trail = b
            lead.volume = v1; lead.radius = r1
            trail.volume = v2; trail.radius = r2
            // Centres on the line of motion, the centre of volume unchanged.
            let leadShift = d * v2 / b.volume, trailShift = d * v1 / b.volume
            lead.x += nx * leadShift; lead.y += ny * leadShift; lead.z += nz * leadShift
            trail.x -= nx * trailShift; trail.y -= ny * trailShift; trail.z -= nz * trailShift
            // The leading part is a little more buoyant in its direction of travel (heat
            // conserved), which is what pulls the two apart.
            let sense = ny >= 0 ? 1.0 : -1.0
            lead.temperature += 0.3 * sense
            trail.temperature -= 0.3 * sense * v1 / v2
            trail.id = nextId; nextId += 1
            trail.coalescenceTime = random.uniform(p.coalescenceTimeRange.lowerBound, p.coalescenceTimeRange.upperBound)
            lead.px = lead.x - (b.x - b.px); lead.py = lead.y - (b.y - b.py); lead.pz = lead.z - (b.z - b.pz)
            trail.px = trail.x - (b.x - b.px); trail.py = trail.y - (b.y - b.py); trail.pz = trail.z - (b.z - b.pz)
            constrainToGlass(&lead)
            constrainToGlass(&trail)
            slots[i] = lead
            slots[j] = trail
            clearContacts(j)
            let n = slots.count
            contact[min(i, j) * n + max(i, j)] = -3
            splitCount += 1
        }
    }

    private func freeSlot() -> Int? {
        for i in slots.indices where !slots[i].alive { return i }
        return nil
    }

    private mutating func clearContacts(_ k: Int) {
        let n = slots.count
        for m in 0..<n {
            contact[min(k, m) * n + max(k, m)] = 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
