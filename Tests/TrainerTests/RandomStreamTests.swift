import DuralavaNN
import DuralavaRuntime
import DuralavaTrainer
import TestSupport
import XCTest

/// The trainer's generator draws from the runtime's core: the same pinned words, and its
/// checkpointed state resumes the same stream.
final class RandomStreamTests: XCTestCase {
    func testTrainerGeneratorIsTheCore() {
        var g = RandomGenerator(seed: 1001)
        XCTAssertEqual([g.next(), g.next(), g.next()], [0x586f_70be_fa22_bca2, 0x26a9_5a8e_2d12_df50, 0x81b5_5c29_fac8_8fb6])
        var h = RandomGenerator(stateWords: g.stateWords)
        XCTAssertEqual(g.next(), h.next())
        XCTAssertEqual(g, h)
        var c = Xoshiro256(seed: 3), t = RandomGenerator(seed: 3)
        for _ in 0..<100 { XCTAssertEqual(c.next(), t.next()) }
    }
}
