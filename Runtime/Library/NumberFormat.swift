// Number formatting for reports, logs, benchmarks, plots and model metadata: the one helper the
// runtime, the trainer and the converter share (they do not use Foundation, so no
// String(format:)).

public enum NumberFormat {
    /// `x` with exactly `decimals` digits after the point ("0.700", "-1.25", "12").
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e18 else { return x.description }
        let n = UInt64(scaled)
        let p = UInt64(scale)
        let whole = n / p, fraction = n % p
        let sign = x < 0 && n != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        var f = String(fraction)
        while f.count < decimals { f = "0" + f }
        return sign + String(whole) + "." + f
    }

    /// About `digits` significant digits, fixed notation for 1e-4 ≤ |x| < 1e6, else scientific.
    public static func significant(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        if x == 0 { return "0" }
        let a = abs(x)
        var exponent = 0
        var m = a
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        if a >= 1e-4 && a < 1e6 {
            let decimals = max(0, digits - 1 - exponent)
            return fixed(x, decimals)
        }
        return (x < 0 ? "-" : "") + fixed(m, max(digits - 1, 0)) + "e" + String(exponent)
    }

    /// Like `significant`, without trailing zeros after the point ("0.005", "5", "1.25").
    public static func compact(_ x: Double, _ digits: Int = 6) -> String { withoutTrailingZeros(significant(x, digits)) }

    /// Like `fixed`, without trailing zeros after the point ("1", "1.5", "0.25"; speeds, SVG
    /// coordinates).
    public static func trimmed(_ x: Double, _ decimals: Int) -> String { withoutTrailingZeros(fixed(x, decimals)) }

    /// 1st, 2nd, 3rd, 4th, 11th, 12th, 21st (frame steps, held-out chunks).
    public static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : ["th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"][n % 10]
        return "\(n)\(suffix)"
    }

    private static func withoutTrailingZeros(_ text: String) -> String {
        var t = text
        guard t.contains("."), !t.contains("e") else { return t }
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// `x` rounded to `decimals` places and written as Swift writes a Double ("0.5", "40.0",
    /// "1e-05"); "inf" for any non-finite value (an exact quantization's SQNR).
    public static func rounded(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "inf" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return "\((x * scale).rounded() / scale)"
    }

    /// The shortest decimal text that reads back as the same Float ("0.2", "1e-05", "3.0"): the
    /// model file's metadata numbers.
    public static func shortest(_ x: Float) -> String { "\(x)" }

    /// Groups of three digits: 1000000 → "1,000,000".
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Round tick values covering lo...hi (about `count` of them): steps of 1, 2 or 5 × 10^k.
    public static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo, count >= 1 else { return [lo] }
        let raw = (hi - lo) / Double(count)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Integer multiples of the step, so ticks do not accumulate rounding errors.
        let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
        guard first <= last else { return [lo] }
        let ticks = (first...last).map { Double($0) * step }
        return ticks
    }

    /// "1h02m", "3m05s", "12.3s"; with `tenths: false` whole seconds below a minute ("12s", the
    /// training log's ETA).
    public static func duration(_ seconds: Double, tenths: Bool = true) -> String {
        guard seconds.isFinite else { return "?" }
        if tenths && seconds < 60 { return "\((seconds * 10).rounded() / 10)s" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s" }
        return "\(s / 3600)h\((s % 3600) / 60 < 10 ? "0" : "")\((s % 3600) / 60)m"
    }
}
