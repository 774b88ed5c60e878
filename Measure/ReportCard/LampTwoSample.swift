import DuralavaRuntime

/// The classifier two-sample test between two lamps' frames — an int8 lamp against its float
/// source, say — in three parts: paired (the same seeds for both lamps: only what differs
/// between the two networks can be learned), unpaired (the second lamp from other seeds), and
/// the floor (the second lamp against itself from other seeds: what telling two sets of runs
/// apart costs with no difference in the lamp). `duralava-train two-sample` prints it and the
/// drift report (`duralava-convert compare`) judges the int8 lamp by it (docs/int8.md).
public struct LampTwoSample {
    public struct Settings: Sendable {
        /// Frames rendered per lamp and set.
        public var frames = 2000
        /// Runs each set's frames are split into, run k from seed + k.
        public var segments = 40
        /// Loop steps before the first rendered frame of each run.
        public var burnIn = 100
        public var seed: UInt64 = 1
        public init() {}
    }

    public let settings: Settings
    public let paired: TwoSampleResult, unpaired: TwoSampleResult, floor: TwoSampleResult

    /// Renders the three frame sets and runs the three classifiers; `progress` hears each stage.
    /// The lamps' frames must have the same size.
    public init(_ a: LampModel, _ b: LampModel, settings s: Settings = Settings(), progress: (String) -> Void = { _ in }) {
        precondition(a.config.frameWidth == b.config.frameWidth && a.config.frameHeight == b.config.frameHeight)
        func render(_ m: LampModel, seed: UInt64) -> FrameSet {
            var set = FrameSet(width: m.config.frameWidth, height: m.config.frameHeight)
            for k in 0..<s.segments {
                let run = LampRun(model: m, seed: seed &+ UInt64(k))
                for _ in 0..<s.burnIn { run.step() }
                let count = s.frames * (k + 1) / s.segments - s.frames * k / s.segments
                // As the screen shows them: 8-bit. (An int8 lamp's frames are 8-bit already; left
                // continuous, a float lamp's frames are told apart by their values alone.)
                set.append(run.renderSequence(count: count).asDisplayed())
            }
            return set
        }
        progress("rendering \(s.frames) frames of each lamp in \(s.segments) runs")
        let fa = render(a, seed: s.seed), fb = render(b, seed: s.seed)
        let fb2 = render(b, seed: s.seed &+ 100_000), fb3 = render(b, seed: s.seed &+ 200_000)
        progress("classifier 1/3: paired")
        paired = TwoSampleTest.run(fa, fb, seed: s.seed &+ 11)
        progress("classifier 2/3: unpaired")
        unpaired = TwoSampleTest.run(fa, fb2, seed: s.seed &+ 12)
        progress("classifier 3/3: floor")
        floor = TwoSampleTest.run(fb3, fb2, seed: s.seed &+ 13)
        settings = s
    }
}
