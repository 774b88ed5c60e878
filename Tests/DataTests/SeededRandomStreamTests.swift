import DuralavaData
import DuralavaRuntime
import XCTest

/// The simulator's generator draws from the runtime's core (its seeds keep their streams).
final class SeededRandomStreamTests: XCTestCase {
    func testSimulatorGeneratorIsTheCore() {
        var s = SeededRandom(seed: 0)
        XCTAssertEqual([s.next(), s.next(), s.next()], [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0])
        var c = Xoshiro256(seed: 1048), r = SeededRandom(seed: 1048)
        for _ in 0..<100 { XCTAssertEqual(c.next(), r.next()) }
    }
}
