import DuralavaKernels

/// Reads the quantization tensors of an int8 model and checks them before any kernel sees
/// them, so a malformed file is a one-line error and never an overflow or a trap.
struct Int8Tensors {
    let file: SafetensorsFile
    /// Activations stored as int16 (metadata `quantization.int16_activations`) and their code
    /// bits: an entry `name` has 16, `name:N` has N (9–16).
    let int16: [String: Int]

    init(file: SafetensorsFile) throws(ModelError) {
        self.file = file
        let key = ModelSchema.Key.quantizationInt16Activations
        var allowed: Set<String> = [ModelSchema.Generator.input]
        for i in 0..<16 { allowed.insert(ModelSchema.Generator.output(i)) }
        var int16: [String: Int] = [:]
        for entry in (file.metadata[key] ?? "").split(separator: ",") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard allowed.contains(name) else {
                throw ModelError(file.path, .metadata, "metadata \"\(key)\" names \"\(name)\"; only generator.input and generator.tconv{i}.output may be int16")
            }
            var codeBits = 16
            if parts.count > 1 {
                guard parts.count == 2, let n = Int(parts[1]), (9...16).contains(n) else {
                    throw ModelError(file.path, .metadata, "metadata \"\(key)\" entry \"\(entry)\": expected NAME or NAME:BITS with BITS in 9...16 (the codes' width)")
                }
                codeBits = n
            }
            int16[name] = codeBits
        }
        self.int16 = int16
    }

    /// Largest |bias| accepted: leaves half of the int32 range for the products.
    static let maximumBias: Int32 = 1 << 30

    func activation(_ name: String) throws(ModelError) -> ActivationQuantization {
        let s = ModelSchema.scale(of: name), z = ModelSchema.zeroPoint(of: name)
        let scale = try file.floats(s, shape: [1])[0]
        guard scale > 1e-12, scale < 1e12 else {
            throw ModelError(file.path, .metadata, "tensor \"\(s)\" is \(scale), expected a positive scale in 1e-12...1e12")
        }
        let zp = try file.int32s(z, shape: [1])[0]
        let codeBits = int16[name] ?? 8
        let limit: Int32 = 1 << (codeBits - 1)
        guard zp >= -limit, zp < limit else {
            let what = codeBits == 8 ? "an int8" : codeBits == 16 ? "an int16" : "a \(codeBits)-bit"
            throw ModelError(file.path, .metadata, "tensor \"\(z)\" is \(zp), expected \(what) zero point in \(-limit)...\(limit - 1)")
        }
        return ActivationQuantization(scale: scale, zeroPoint: zp, bits: codeBits > 8 ? 16 : 8, codeBits: codeBits)
    }

    /// Weight scales: [1] (per-layer) or [channels] (per-channel), each positive and finite.
    func weightScales(_ name: String, channels: Int) throws(ModelError) -> [Float] {
        guard let info = file.tensors[name] else { throw ModelError(file.path, .missingTensor, "missing tensor \"\(name)\"") }
        guard info.shape == [1] || info.shape == [channels] else {
            throw ModelError(file.path, .shape, "tensor \"\(name)\" has shape \(shapeText(info.shape)), expected [1] or [\(channels)]")
        }
        let scales = try file.floats(name)
        if let bad = scales.firstIndex(where: { !($0 > 1e-12 && $0 < 1e12) }) {
            throw ModelError(file.path, .metadata, "tensor \"\(name)\" element \(bad) is \(scales[bad]), expected a positive scale in 1e-12...1e12")
        }
        return scales
    }

    func bias(_ name: String, channels: Int) throws(ModelError) -> [Int32] {
        let b = try file.int32s(name, shape: [channels])
        if let bad = b.firstIndex(where: { $0 > Self.maximumBias || $0 < -Self.maximumBias }) {
            throw ModelError(file.path, .metadata, "tensor \"\(name)\" element \(bad) is \(b[bad]), expected |bias| ≤ 2^30")
        }
        return b
    }

    /// The output stage of a layer; every requantization factor must be representable.
    func stage(layer: String, input: ActivationQuantization, weightScales: [Float], slope: Float,
               output: ActivationQuantization, reduction: Int) throws(ModelError) -> OutputStage {
        let maximum = input.maximumReduction
        guard reduction <= maximum else {
            throw ModelError(file.path, .shape, "layer \(layer) sums \(reduction) products of \(input.codeBits)-bit inputs per output, more than the int32 accumulator allows (\(maximum))")
        }
        let accumulatorScales = weightScales.map { Double(input.scale) * Double($0) }
        for a in accumulatorScales {
            let factor = a * Double(Swift.max(slope, 1)) / Double(output.scale)
            guard factor < 65536 else {
                throw ModelError(file.path, .metadata, "layer \(layer): input scale × weight scale / output scale is \(factor), expected below 65536")
            }
        }
        return OutputStage(accumulatorScales: accumulatorScales, slope: Double(slope), output: output)
    }
}


