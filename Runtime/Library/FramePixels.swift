import DuralavaSIMD

/// Converts a generated frame (floats in [0,1], HWC) to 8-bit RGB, rounding to nearest.
public func quantizeFrame(_ frame: UnsafePointer<Float>, count: Int, into rgb: UnsafeMutablePointer<UInt8>) {
    // NaN (a broken model) becomes black instead of trapping; the frame watch reports it.
    dl_frame_to_pixels(frame, Int32(count), rgb)
}

/// Mean absolute difference of two frames, on the 0–1 scale.
public func meanAbsoluteDifference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    dl_mean_abs_difference(a, b, Int32(count))
}
