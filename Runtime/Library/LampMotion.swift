/// Whether a running lamp moves like its footage (docs/reliability.md#the-guard-that-tells):
/// the guards count interventions, not motion, and a lamp can stand still without any guard
/// acting. Fed each step's frame change (mean absolute pixel difference, 0–1), it judges them
/// against the footage's median per-step change that the trainer records in the model
/// (`motion.footage_frame_change`), the way the report card does: a step changing less than a
/// tenth of the footage's median is frozen, and 10 lamp-seconds of frozen steps in a row is a
/// frozen lamp; a median change below a quarter of the footage's is a lamp running down.
public struct MotionWatch {
    /// The footage's median per-step change (nil: the model does not record it).
    public let footageChange: Float?
    /// Steps that make 10 lamp-seconds.
    public let frozenLimit: Int
    public private(set) var changes: [Float] = []
    public private(set) var longestFrozenRun = 0
    private var frozenRun = 0

    /// A median below this share of the footage's is a lamp that has run down.
    public static let slowestShare: Float = 0.25

    public init(config: ModelConfig, capacity: Int) {
        footageChange = config.footageFrameChange
        frozenLimit = max(2, Int((10 / config.stepSeconds).rounded()))
        changes.reserveCapacity(capacity)
    }

    public var frozenFloor: Float { (footageChange ?? 0) / 10 }

    public mutating func observe(_ change: Float) {
        changes.append(change)
        frozenRun = change < frozenFloor ? frozenRun + 1 : 0
        if frozenRun > longestFrozenRun { longestFrozenRun = frozenRun }
    }

    public var medianChange: Float {
        guard !changes.isEmpty else { return 0 }
        let sorted = changes.sorted()
        return sorted[sorted.count / 2]
    }

    /// What is wrong with the lamp's motion (empty: it moves like its footage, or the model
    /// records no footage motion to judge by).
    public var problems: [String] {
        guard let f = footageChange, f > 0, !changes.isEmpty else { return [] }
        var p: [String] = []
        if longestFrozenRun >= frozenLimit {
            p.append("the lamp froze: \(longestFrozenRun) steps in a row changed less than a tenth of the footage's median (limit \(frozenLimit) steps, 10 lamp-s)")
        }
        let ratio = medianChange / f
        if ratio < Self.slowestShare {
            p.append("the lamp barely moves: median frame change \(sig(medianChange)) is x\(sig(ratio)) of the footage's \(sig(f)) (at least x\(sig(Self.slowestShare)))")
        }
        return p
    }

    /// One line for the check's figures.
    public var summary: String {
        guard let f = footageChange, f > 0 else {
            return "motion: median frame change \(sig(medianChange)); not judged (the model records no footage motion, motion.footage_frame_change)"
        }
        return "motion: median frame change \(sig(medianChange)) (x\(sig(medianChange / f)) of the footage's \(sig(f))), "
            + "longest frozen run \(longestFrozenRun) steps (limit \(frozenLimit))"
    }

    private func sig(_ x: Float) -> String { NumberFormat.compact(Double(x), 3) }
}
