import DuralavaKernels
import DuralavaRuntime
import DuralavaSIMD
import Foundation
import TestSupport
import XCTest

/// The shipped lamps on the optimized kernels against the reference kernels, whole models at
/// every vector level of this machine: the int8 lamp's frames and trajectory are identical,
/// the float lamp's frames agree to within float rounding (1e-4 of a [0, 1] pixel, far below
/// the 1/255 of one display level).
final class OptimizedKernelTests: XCTestCase {
    override func tearDown() { _ = dl_simd_use(DL_SIMD_AVX512VNNI) }

    private func shipped(_ name: String) throws -> String {
        let path = packageRoot + "/models/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no \(name) in this checkout") }
        return path
    }


    /// Frames of `steps` lamp steps with the given kernels (the model is loaded at the current level).
    private func run(_ path: String, kernels: KernelSet, steps: Int) throws -> (frames: [[Float]], latents: [[Float]]) {
        let model = try LampModel(path: path)
        model.generator.kernels = kernels
        model.rnn.kernels = kernels
        let animator = LampAnimator(model: model, seed: 7)
        var frames: [[Float]] = [], latents: [[Float]] = []
        for _ in 0..<steps {
            animator.advance()
            animator.render(phase: 0.5)
            frames.append(Array(animator.frame))
            latents.append(animator.loop.latentArray)
        }
        return (frames, latents)
    }

    func testInt8LampIsIdenticalOnOptimizedKernels() throws {
        let path = try shipped("default-int8.safetensors")
        let reference = try run(path, kernels: .reference, steps: 12)
        for level in KernelSet.levelsOfThisMachine {
            _ = dl_simd_use(level)
            let optimized = try run(path, kernels: .optimized, steps: 12)
            let name = String(cString: dl_simd_name(level))
            XCTAssertEqual(optimized.latents, reference.latents, "int8 trajectory at \(name)")
            XCTAssertEqual(optimized.frames, reference.frames, "int8 frames at \(name)")
        }
    }

    func testFloatLampMatchesReferenceKernels() throws {
        let path = try shipped("default.safetensors")
        let model = try LampModel(path: path)
        let latents = try run(path, kernels: .reference, steps: 8).latents
        for level in KernelSet.levelsOfThisMachine {
            _ = dl_simd_use(level)
            let fast = try LampModel(path: path)
            var worst: Float = 0
            for z in latents {
                model.generator.kernels = .reference
                let expected = model.generator.frame(for: z)
                let got = fast.generator.frame(for: z)
                for i in 0..<got.count { worst = max(worst, abs(got[i] - expected[i])) }
            }
            XCTAssertLessThan(worst, 1e-4, "float frames at \(String(cString: dl_simd_name(level)))")
            // One RNN step: the same to float rounding.
            var y0 = [Float](repeating: 0, count: 64), y1 = y0
            let noise = [Float](repeating: 0.3, count: model.config.rnnNoiseDim)
            model.rnn.kernels = .reference
            model.rnn.step(latents[0], noise: noise, into: &y0)
            fast.rnn.step(latents[0], noise: noise, into: &y1)
            for i in 0..<64 { XCTAssertEqual(y1[i], y0[i], accuracy: 1e-4) }
        }
    }
}
