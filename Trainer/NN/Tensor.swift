// Float32 tensors for the trainer.
//
// Layout: row-major, batch first. Images are NHWC ([batch, height, width, channels]), the
// same channels-last order as the runtime's model file, so export copies weights without
// permuting them. Dense activations are [batch, features].
//
// A `Tensor` is a shape plus a view into a reference-counted `TensorStorage`: copying a
// Tensor value aliases its data (like a buffer in llm.c), which is what lets Reshape and
// batch slices cost nothing. Hot loops take `pointer` and work on raw memory.

/// Owned, 64-byte aligned, zero-initialised float memory.
public final class TensorStorage {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        precondition(count >= 0, "negative tensor size")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

public struct Tensor {
    public let shape: [Int]
    public let storage: TensorStorage
    /// Offset of element 0 of this view within `storage`.
    public let offset: Int
    public let count: Int

    /// A new zero-filled tensor.
    public init(shape: [Int]) {
        self.shape = shape
        count = Tensor.elementCount(shape)
        storage = TensorStorage(count: count)
        offset = 0
    }

    /// A new tensor holding `values` (row-major).
    public init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A view of existing storage.
    public init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        let n = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + n <= storage.count, "Tensor view out of range")
        self.shape = shape
        self.storage = storage
        self.offset = offset
        count = n
    }

    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { precondition(d >= 0, "negative dimension in \(shape)"); n *= d }
        return n
    }

    public var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
    public var rank: Int { shape.count }
    /// Size of axis 0 (the batch).
    public var batch: Int { shape.isEmpty ? 1 : shape[0] }
    /// Elements per batch item.
    public var itemCount: Int { shape.isEmpty ? 1 : (shape[0] == 0 ? 0 : count / shape[0]) }

    public subscript(index: Int) -> Float {
        get { precondition(index >= 0 && index < count); return pointer[index] }
        nonmutating set { precondition(index >= 0 && index < count); pointer[index] = newValue }
    }

    /// The same data under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "reshape \(shape) -> \(newShape): element counts differ")
        return Tensor(shape: newShape, storage: storage, offset: offset)
    }

    /// Items `range` of axis 0, sharing storage.
    public func slice(batch range: Range<Int>) -> Tensor {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0], "batch slice \(range) of \(shape)")
        var s = shape
        s[0] = range.count
        return Tensor(shape: s, storage: storage, offset: offset + range.lowerBound * itemCount)
    }

    public var array: [Float] { Array(buffer) }

    public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }

    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy: \(other.shape) into \(shape)")
        pointer.update(from: other.pointer, count: count)
    }

    /// A deep copy with its own storage.
    public func clone() -> Tensor {
        let t = Tensor(shape: shape)
        t.copy(from: self)
        return t
    }

    /// Whether this is the same view of the same memory.
    public func isSameView(as other: Tensor) -> Bool {
        storage === other.storage && offset == other.offset && shape == other.shape
    }
}

/// Keeps one output or gradient buffer per call site and reallocates it only when the
/// shape changes, so steps after the first allocate nothing.
public struct ReusableBuffer {
    public private(set) var tensor: Tensor?
    public init() {}
    public mutating func get(_ shape: [Int]) -> Tensor {
        if let t = tensor, t.shape == shape { return t }
        let t = Tensor(shape: shape)
        tensor = t
        return t
    }
}
