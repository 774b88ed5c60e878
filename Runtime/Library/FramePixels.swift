/// Converts a generated frame (floats in [0,1], HWC) to 8-bit RGB, rounding to nearest.
public func quantizeFrame(_ frame: UnsafePointer<Float>, count: Int, into rgb: UnsafeMutablePointer<UInt8>) {
    for i in 0..<count {
        let v = frame[i] * 255 + 0.5
        // NaN (a broken model) becomes black instead of trapping; the frame watch reports it.
        rgb[i] = v > 0 ? (v >= 255 ? 255 : UInt8(v)) : 0
    }
}

/// Mean absolute difference of two frames, on the 0–1 scale.
public func meanAbsoluteDifference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var s: Float = 0
    for i in 0..<count { s += abs(a[i] - b[i]) }
    return s / Float(count)
}
