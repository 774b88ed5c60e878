import ArgumentParser

/// Parse-time checks of numeric options (docs/reliability.md#options): a value outside its range is a one-line
/// error naming the option, the range and why, before any work starts — not a trap, a hang
/// or a failure after hours of training.
enum OptionRange {
    static func check(_ name: String, _ value: Int?, _ range: ClosedRange<Int>, _ why: String) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }

    /// NaN and infinities are always refused.
    static func check<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ name: String, _ value: F?, _ range: ClosedRange<F>, _ why: String
    ) throws {
        guard let value, !(value.isFinite && range.contains(value)) else { return }
        throw ValidationError("--\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound): \(why)")
    }
}
