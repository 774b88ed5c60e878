import DuralavaRuntime
import Foundation
import TestSupport
import XCTest

/// Files written by Python's `safetensors` load here, and files written here load there.
final class PythonInteropTests: XCTestCase {
    func testFileWrittenByPythonLoads() throws {
        let dir = temporaryDirectory()
        let path = dir + "/py.safetensors"
        _ = try python("""
            import sys, numpy as np
            from safetensors.numpy import save_file
            rng = np.random.default_rng(7)
            save_file({"a": rng.standard_normal((3, 5)).astype(np.float32),
                       "b": np.arange(6, dtype=np.float32).reshape(2, 3),
                       "h": np.array([0.5, -2.0, 65504.0], dtype=np.float16),
                       "i": np.array([1, -2, 3], dtype=np.int8)},
                      sys.argv[1], metadata={"format": "duralava-model", "note": "from python"})
            """, [path])
        let f = try SafetensorsFile(path: path)
        XCTAssertEqual(f.metadata["note"], "from python")
        XCTAssertEqual(try f.floats("b", shape: [2, 3]), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try f.floats("h"), [0.5, -2, 65504])
        XCTAssertEqual(Array(try f.rawBytes("i", dtype: .i8)).map { Int8(bitPattern: $0) }, [1, -2, 3])
        let expected = try python("""
            import sys
            from safetensors.numpy import load_file
            print(" ".join(repr(float(x)) for x in load_file(sys.argv[1])["a"].ravel()))
            """, [path])
        let values = expected.split(separator: " ").map { Float(Double($0.trimmingCharacters(in: .whitespacesAndNewlines))!) }
        XCTAssertEqual(try f.floats("a", shape: [3, 5]), values)
    }

    func testModelWrittenHereLoadsInPythonWithSameValues() throws {
        let dir = temporaryDirectory()
        let path = dir + "/model.safetensors"
        try RandomModel.writer(config: tinyConfig(), seed: 9).write(to: path)
        let f = try SafetensorsFile(path: path)
        let out = try python("""
            import sys
            from safetensors import safe_open
            with safe_open(sys.argv[1], framework="numpy") as f:
                print(f.metadata()["format"], f.metadata()["latent_dim"])
                w = f.get_tensor("generator.tconv1.weight")
                print(list(w.shape), w.dtype)
                print(" ".join(repr(float(x)) for x in w.ravel()[:50]))
                print(len(list(f.keys())))
            """, [path])
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "duralava-model 8")
        XCTAssertEqual(lines[1], "[4, 4, 4, 6] float32")
        let py = lines[2].split(separator: " ").map { Float(Double($0)!) }
        XCTAssertEqual(Array(try f.floats("generator.tconv1.weight").prefix(50)), py)
        XCTAssertEqual(Int(lines[3]), f.tensors.count)
    }
}
