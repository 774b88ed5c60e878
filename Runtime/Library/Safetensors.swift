/// Tensor element types of the safetensors format that this project reads.
public enum TensorDType: String, CaseIterable {
    case f32 = "F32", f16 = "F16", i8 = "I8", u8 = "U8", i32 = "I32", i64 = "I64"
    public var size: Int {
        switch self {
        case .i8, .u8: return 1
        case .f16: return 2
        case .f32, .i32: return 4
        case .i64: return 8
        }
    }
}

/// A model file problem. `kind` is the error class of Runtime/FORMAT.md; the description is
/// one line naming the file and what was wrong.
public struct ModelError: Error, CustomStringConvertible {
    public enum Kind: String {
        case truncated, headerLength = "header-length", headerJSON = "header-json"
        case tensorEntry = "tensor-entry", dtype, offsets, shape
        case missingTensor = "missing-tensor", nonFinite = "non-finite", version, metadata, io
        /// The architecture asks for more memory or work per frame than ModelLimits allow.
        case limits
    }
    public let path: String
    public let kind: Kind
    public let message: String
    public init(_ path: String, _ kind: Kind, _ message: String) {
        self.path = path; self.kind = kind; self.message = Self.oneLine(message)
    }
    public var description: String { "\(Self.oneLine(path)): \(message)" }

    /// Names and keys come from the file and may hold newlines or other control characters
    /// (found by fuzzing): escaped, so an error stays one line.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}

public struct TensorInfo {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    /// Byte range within the data section.
    public let begin: Int
    public let end: Int
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A tensor shape as errors print it, "[2, 3]": written out, because the board's Embedded
/// Swift cannot interpolate an Array ("(cannot print value in embedded Swift)").
public func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map { String($0) }.joined(separator: ", ") + "]"
}

/// A parsed, validated safetensors file: its header read and checked up front, its tensors read
/// when asked for — from memory (`init(bytes:)`), or from the file one tensor at a time
/// (`init(path:)`), so that a load holds one tensor's bytes, not the whole file (a float lamp's
/// render peaked 5 MB higher reading its 5.2 MB file whole; docs/runtime.md).
public struct SafetensorsFile {
    public let path: String
    public let metadata: [String: String]
    public let tensors: [String: TensorInfo]
    /// The whole file (init(bytes:)), or empty when `reader` reads it.
    private let bytes: [UInt8]
    private let reader: FileReader?
    private let dataStart: Int

    public static let maxHeaderLength = 100_000_000

    public init(path: String) throws(ModelError) {
        let reader: FileReader
        let prefix: [UInt8], header: [UInt8]
        do throws(FileError) {
            reader = try FileReader(path)
            prefix = try reader.read(at: 0, count: Swift.min(8, reader.size))
        } catch { throw ModelError(path, .io, error.message) }
        let n = try Self.headerLength(prefix, fileLength: reader.size, path: path)
        do throws(FileError) { header = try reader.read(at: 8, count: n) } catch { throw ModelError(path, .io, error.message) }
        try self.init(header: header, fileLength: reader.size, bytes: [], reader: reader, path: path)
    }

    /// Validates the whole structure up front, so later reads cannot go out of bounds.
    public init(bytes: [UInt8], path: String) throws(ModelError) {
        let n = try Self.headerLength(bytes.count >= 8 ? Array(bytes[0..<8]) : bytes, fileLength: bytes.count, path: path)
        try self.init(header: Array(bytes[8..<(8 + n)]), fileLength: bytes.count, bytes: bytes, reader: nil, path: path)
    }

    /// The header's length from the file's first 8 bytes, checked against the file's length.
    private static func headerLength(_ prefix: [UInt8], fileLength: Int, path: String) throws(ModelError) -> Int {
        guard prefix.count >= 8 else {
            throw ModelError(path, .truncated, "truncated: \(fileLength) bytes, a safetensors file starts with an 8-byte header length")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(Self.maxHeaderLength) else {
            throw ModelError(path, .headerLength, "header length \(n) is absurd (limit \(Self.maxHeaderLength) bytes); not a safetensors file?")
        }
        let headerLength = Int(n)
        guard headerLength >= 2 else {
            throw ModelError(path, .headerLength, "header length \(headerLength) is too small for a JSON object")
        }
        guard 8 + headerLength <= fileLength else {
            throw ModelError(path, .truncated, "truncated: header says \(headerLength) bytes but only \(fileLength - 8) follow")
        }
        return headerLength
    }

    private init(header headerBytes: [UInt8], fileLength: Int, bytes: [UInt8], reader: FileReader?, path: String) throws(ModelError) {
        self.path = path
        self.bytes = bytes
        self.reader = reader
        dataStart = 8 + headerBytes.count
        let dataLength = fileLength - dataStart
        let header: JSONValue
        do throws(JSONError) {
            header = try headerBytes.withUnsafeBufferPointer { (b) throws(JSONError) -> JSONValue in try JSONParser.parse(b) }
        } catch {
            throw ModelError(path, .headerJSON, "header is not valid JSON: \(error.message) at header byte \(error.offset)")
        }
        guard case .object(let members) = header else {
            throw ModelError(path, .headerJSON, "header JSON is not an object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: TensorInfo] = [:]
        for (name, entry) in members {
            if name == "__metadata__" {
                guard case .object(let kv) = entry else {
                    throw ModelError(path, .headerJSON, "__metadata__ is not an object of strings")
                }
                for (k, v) in kv {
                    guard let s = v.stringValue else {
                        throw ModelError(path, .headerJSON, "__metadata__ value of \"\(k)\" is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            guard case .object = entry else {
                throw ModelError(path, .tensorEntry, "tensor \"\(name)\": entry is not an object")
            }
            guard let dtypeName = entry["dtype"]?.stringValue else {
                throw ModelError(path, .tensorEntry, "tensor \"\(name)\": missing or non-string \"dtype\"")
            }
            guard let dtype = TensorDType(rawValue: dtypeName) else {
                throw ModelError(path, .dtype, "tensor \"\(name)\": unsupported dtype \"\(dtypeName)\" (expected one of \(TensorDType.allCases.map { $0.rawValue }.joined(separator: ", ")))")
            }
            guard case .array(let dims)? = entry["shape"] else {
                throw ModelError(path, .tensorEntry, "tensor \"\(name)\": missing or non-array \"shape\"")
            }
            var shape: [Int] = []
            var count = 1
            for d in dims {
                guard let v = d.nonNegativeInteger else {
                    throw ModelError(path, .tensorEntry, "tensor \"\(name)\": shape entries must be non-negative integers")
                }
                let (m, overflow) = count.multipliedReportingOverflow(by: v)
                guard !overflow, m <= dataLength else {
                    throw ModelError(path, .offsets, "tensor \"\(name)\": shape \(dims.count)-D is larger than the file's data (\(dataLength) bytes)")
                }
                count = m
                shape.append(v)
            }
            guard case .array(let off)? = entry["data_offsets"], off.count == 2,
                  let begin = off[0].nonNegativeInteger, let end = off[1].nonNegativeInteger else {
                throw ModelError(path, .tensorEntry, "tensor \"\(name)\": \"data_offsets\" must be two non-negative integers")
            }
            guard begin <= end else {
                throw ModelError(path, .offsets, "tensor \"\(name)\": data_offsets [\(begin), \(end)] are reversed")
            }
            guard end <= dataLength else {
                throw ModelError(path, .offsets, "tensor \"\(name)\": data_offsets [\(begin), \(end)] run past the end of the data (\(dataLength) bytes); file truncated?")
            }
            guard end - begin == count * dtype.size else {
                throw ModelError(path, .offsets, "tensor \"\(name)\": \(end - begin) bytes of data but shape \(shapeText(shape)) of \(dtype.rawValue) needs \(count * dtype.size)")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }
        let sorted = tensors.values.filter { $0.end > $0.begin }.sorted { $0.begin < $1.begin }
        for i in sorted.indices.dropFirst() where sorted[i].begin < sorted[i - 1].end {
            throw ModelError(path, .offsets, "tensors \"\(sorted[i - 1].name)\" and \"\(sorted[i].name)\" overlap in the data section")
        }
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The tensor as Float32 values, converting F16. Throws if missing, of another dtype
    /// family, of an unexpected shape, or containing NaN/infinity.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws(ModelError) -> [Float] {
        guard let t = tensors[name] else {
            throw ModelError(path, .missingTensor, "missing tensor \"\(name)\"")
        }
        if let expected, expected != t.shape {
            throw ModelError(path, .shape, "tensor \"\(name)\" has shape \(shapeText(t.shape)), expected \(shapeText(expected))")
        }
        var out = [Float](repeating: 0, count: t.elementCount)
        switch t.dtype {
        case .f32, .f16:
            let data = try region(t)
            let base = data.startIndex
            if t.dtype == .f32 {
                for i in 0..<out.count {
                    let o = base + 4 * i
                    let bits = UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24
                    out[i] = Float(bitPattern: bits)
                }
            } else {
                for i in 0..<out.count {
                    let o = base + 2 * i
                    out[i] = floatFromHalf(UInt16(data[o]) | UInt16(data[o + 1]) << 8)
                }
            }
        default:
            throw ModelError(path, .dtype, "tensor \"\(name)\" has dtype \(t.dtype.rawValue), expected F32 or F16")
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw ModelError(path, .nonFinite, "tensor \"\(name)\" holds a non-finite value (\(out[bad])) at element \(bad)")
        }
        return out
    }

    /// Raw bytes of an integer tensor of the given dtype.
    public func rawBytes(_ name: String, dtype: TensorDType, shape expected: [Int]? = nil) throws(ModelError) -> ArraySlice<UInt8> {
        guard let t = tensors[name] else {
            throw ModelError(path, .missingTensor, "missing tensor \"\(name)\"")
        }
        guard t.dtype == dtype else {
            throw ModelError(path, .dtype, "tensor \"\(name)\" has dtype \(t.dtype.rawValue), expected \(dtype.rawValue)")
        }
        if let expected, expected != t.shape {
            throw ModelError(path, .shape, "tensor \"\(name)\" has shape \(shapeText(t.shape)), expected \(shapeText(expected))")
        }
        return try region(t)
    }

    /// A tensor's bytes: a slice of the file in memory, or read from the file now.
    private func region(_ t: TensorInfo) throws(ModelError) -> ArraySlice<UInt8> {
        guard let reader else { return bytes[(dataStart + t.begin)..<(dataStart + t.end)] }
        do throws(FileError) { return try reader.read(at: dataStart + t.begin, count: t.end - t.begin)[...] } catch {
            throw ModelError(path, .io, error.message)
        }
    }
}

/// IEEE half precision to single, exactly (every half is a float), on every target: Swift's
/// Float16 is missing on some (the conversion was compiled for arm64 and x86-64 only, so the
/// 32-bit Arm board build would have read F16 tensors as zeros).
func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F), mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {   // zero or subnormal: mantissa · 2^-24
        let magnitude = Float(mantissa) * (1.0 / 16_777_216.0)
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }   // infinity, NaN
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}

/// Builds a safetensors file: tensors are laid out in name order, the header padded with
/// spaces to a multiple of 8 bytes (as the reference implementation does).
public struct SafetensorsWriter {
    public var metadata: [String: String] = [:]
    private var entries: [(name: String, dtype: TensorDType, shape: [Int], data: [UInt8])] = []

    public init() {}

    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "tensor \(name): shape \(shapeText(shape)) does not match \(floats.count) values")
        addRaw(name, dtype: .f32, shape: shape, bytes: littleEndianBytes(floats))
    }

    public mutating func addRaw(_ name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) * dtype.size == bytes.count, "tensor \(name): shape does not match its bytes")
        precondition(name != "__metadata__" && !entries.contains { $0.name == name }, "duplicate tensor \(name)")
        entries.append((name, dtype, shape, bytes))
    }

    /// The file's bytes: length, header, data.
    public func serialized() -> [UInt8] {
        let ordered = entries.sorted { $0.name < $1.name }
        var parts: [String] = []
        if !metadata.isEmpty {
            let kv = metadata.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(kv.joined(separator: ","))}")
        }
        var offset = 0
        for e in ordered {
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonQuoted(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.data.count)]}")
            offset += e.data.count
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        let n = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8((n >> (8 * UInt64(i))) & 0xFF)) }
        out += header
        for e in ordered { out += e.data }
        return out
    }

    /// Writes to a temporary file and renames it into place.
    public func write(to path: String) throws(FileError) {
        try writeFileAtomically(path, [serialized()])
    }
}

/// float32 values as little-endian bytes (safetensors' F32, raw .f32 dumps).
public func littleEndianBytes(_ floats: [Float]) -> [UInt8] {
    var data = [UInt8](); data.reserveCapacity(floats.count * 4)
    for f in floats {
        let b = f.bitPattern
        data.append(UInt8(b & 0xFF)); data.append(UInt8((b >> 8) & 0xFF))
        data.append(UInt8((b >> 16) & 0xFF)); data.append(UInt8(b >> 24))
    }
    return data
}
