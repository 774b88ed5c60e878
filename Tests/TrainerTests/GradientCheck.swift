// Finite-difference gradient checks. The loss is a fixed random projection of the layer's
// output, L = Σ r·f(x), summed in Double; numeric gradients are central differences
// (L(x + h) − L(x − h)) / 2h with h = 1e-2 on float32 forwards. Tolerance for each checked
// coordinate: |analytic − numeric| ≤ 2e-3 + 1e-2·|numeric| (roundoff of the float32 forward
// ~1e-6/h plus truncation O(h²)).

import DuralavaNN
import TestSupport
import XCTest
import DuralavaTrainer

struct GradientCheckTolerance {
    var absolute = 2e-3
    var relative = 1e-2
    func accepts(_ analytic: Double, _ numeric: Double) -> Bool {
        abs(analytic - numeric) <= absolute + relative * abs(numeric)
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1, awayFromZero: Float = 0) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(shape: shape)
    rng.fillGaussian(t.buffer, std: std)
    if awayFromZero > 0 {
        for i in 0..<t.count where abs(t[i]) < awayFromZero { t[i] = t[i] < 0 ? t[i] - awayFromZero : t[i] + awayFromZero }
    }
    return t
}

func projection(_ y: Tensor, _ r: Tensor) -> Double {
    var s = 0.0
    for i in 0..<y.count { s += Double(y[i]) * Double(r[i]) }
    return s
}

/// Indices to probe: all of them for small tensors, else a fixed random sample.
func probeIndices(_ count: Int, limit: Int = 40, seed: UInt64) -> [Int] {
    if count <= limit { return Array(0..<count) }
    var rng = RandomGenerator(seed: seed)
    return (0..<limit).map { _ in rng.int(below: count) }
}

/// Checks input and parameter gradients of `layer` at input `x`.
func checkGradients(_ layer: Layer, input x: Tensor, training: Bool = true, h: Float = 1e-2,
                    tolerance: GradientCheckTolerance = GradientCheckTolerance(),
                    file: StaticString = #filePath, line: UInt = #line) {
    let state = layer.makeState()
    let y = layer.forward(x, state: state, training: training)
    let r = randomTensor(y.shape, seed: 99)
    for p in layer.parameters { p.zeroGradient() }
    let dx = layer.backward(r, state: state, options: .all)!
    XCTAssertEqual(dx.shape, x.shape, "input gradient shape", file: file, line: line)
    let analyticInput = dx.array
    let analyticParams = layer.trainableParameters.map { $0.gradient.array }

    func loss() -> Double { projection(layer.forward(x, state: layer.makeState(), training: training), r) }
    func numeric(_ t: Tensor, _ i: Int) -> Double {
        let saved = t[i]
        t[i] = saved + h
        let lp = loss()
        t[i] = saved - h
        let lm = loss()
        t[i] = saved
        return (lp - lm) / (2 * Double(h))
    }
    var failures = 0
    for i in probeIndices(x.count, seed: 5) {
        let n = numeric(x, i), a = Double(analyticInput[i])
        if !tolerance.accepts(a, n) {
            failures += 1
            if failures < 5 { XCTFail("\(type(of: layer)) ∂L/∂x[\(i)]: analytic \(a), numeric \(n)", file: file, line: line) }
        }
    }
    for (p, grad) in zip(layer.trainableParameters, analyticParams) {
        for i in probeIndices(p.value.count, seed: 6) {
            let n = numeric(p.value, i), a = Double(grad[i])
            if !tolerance.accepts(a, n) {
                failures += 1
                if failures < 5 { XCTFail("\(type(of: layer)) ∂L/∂\(p.name)[\(i)]: analytic \(a), numeric \(n)", file: file, line: line) }
            }
        }
    }
    XCTAssertEqual(failures, 0, "\(type(of: layer)): \(failures) gradient entries out of tolerance", file: file, line: line)
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}
