import DuralavaRuntime
// Reports as JSON: a small value type that keeps the order of object keys (so a file reads
// top-down like its Markdown) and serialises with two-space indentation; used by the report
// card and the drift report, with the encoders of the measurements they share.

public indirect enum ReportCardJSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([ReportCardJSON])
    case object([(String, ReportCardJSON)])

    public static func == (a: ReportCardJSON, b: ReportCardJSON) -> Bool { a.serialized() == b.serialized() }

    /// Non-finite numbers become null (JSON has no infinity).
    public static func num(_ x: Double) -> ReportCardJSON { x.isFinite ? .number(x) : .null }

    public func serialized(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 2), end = String(repeating: " ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x):
            guard x.isFinite else { return "null" }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return x.description
        case .integer(let n): return String(n)
        case .string(let s): return ReportCardJSON.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            // Arrays of plain numbers stay on one line.
            if items.allSatisfy({ if case .number = $0 { return true }; if case .integer = $0 { return true }; return false }) {
                return "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { pad + $0.serialized(indent: indent + 2) }.joined(separator: ",\n") + "\n" + end + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { pad + ReportCardJSON.quote($0.0) + ": " + $0.1.serialized(indent: indent + 2) }
                .joined(separator: ",\n") + "\n" + end + "}"
        }
    }

    /// JSON string literal (the runtime's safetensors writer uses the same escaping).
    static func quote(_ s: String) -> String { jsonQuoted(s) }
}

extension Distribution {
    public var json: ReportCardJSON {
        .object([("count", .integer(count)), ("mean", .num(mean)), ("min", .num(minimum)), ("p5", .num(p5)),
                 ("q1", .num(q1)), ("median", .num(median)), ("q3", .num(q3)), ("p95", .num(p95)), ("max", .num(maximum))])
    }
}

extension GuardCounts {
    public var json: ReportCardJSON {
        .object([("steps", .integer(steps)), ("renormalizations", .integer(renormalizations)),
                 ("clamped_steps", .integer(clampedSteps)), ("clamped_values", .integer(clampedValues)),
                 ("non_finite_reseeds", .integer(nonFiniteReseeds)), ("saturated_reseeds", .integer(saturatedReseeds)),
                 ("stall_injections", .integer(stallInjections)), ("cycle_injections", .integer(cycleInjections)),
                 ("interventions", .integer(interventions))])
    }
}
