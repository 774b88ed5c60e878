/// Integer tensors of int8 models: reading I8/I32 tensors with their shape checked, and
/// writing them little-endian.
extension SafetensorsFile {
    public func int8s(_ name: String, shape expected: [Int]? = nil) throws(ModelError) -> [Int8] {
        let raw = try rawBytes(name, dtype: .i8, shape: expected)
        return raw.map { Int8(bitPattern: $0) }
    }

    public func int32s(_ name: String, shape expected: [Int]? = nil) throws(ModelError) -> [Int32] {
        let raw = Array(try rawBytes(name, dtype: .i32, shape: expected))
        var out = [Int32](repeating: 0, count: raw.count / 4)
        for i in 0..<out.count {
            let o = 4 * i
            out[i] = Int32(bitPattern: UInt32(raw[o]) | UInt32(raw[o + 1]) << 8 | UInt32(raw[o + 2]) << 16 | UInt32(raw[o + 3]) << 24)
        }
        return out
    }

}

extension SafetensorsWriter {
    public mutating func add(_ name: String, shape: [Int], int8s: [Int8]) {
        addRaw(name, dtype: .i8, shape: shape, bytes: int8s.map { UInt8(bitPattern: $0) })
    }

    public mutating func add(_ name: String, shape: [Int], int32s: [Int32]) {
        var data = [UInt8](); data.reserveCapacity(int32s.count * 4)
        for v in int32s {
            let b = UInt32(bitPattern: v)
            data.append(UInt8(b & 0xFF)); data.append(UInt8((b >> 8) & 0xFF))
            data.append(UInt8((b >> 16) & 0xFF)); data.append(UInt8(b >> 24))
        }
        addRaw(name, dtype: .i32, shape: shape, bytes: data)
    }
}
