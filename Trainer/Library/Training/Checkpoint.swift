// Training checkpoints: every parameter (BatchNorm running statistics included), every
// optimizer's state, named random generators and the step counter, in one safetensors file
// (the runtime's container: any safetensors reader can inspect it).
//
//   tensors   param.<parameter name>                      F32
//             opt.<optimizer name>.<slot>.<parameter name>  F32   (Adam: m, v; SGD: velocity)
//   metadata  format = duralava-checkpoint, checkpoint_version = 1, step,
//             opt.<name>.kind, opt.<name>.steps, rng.<name> = four decimal UInt64 words,
//             meta.<key> = caller's metadata
//
// Saving writes a temporary file, fsyncs it and renames it over the target, so a crash
// mid-save leaves the previous checkpoint intact; parameters or optimizer state holding NaN or
// infinity are refused before anything is written. Floats are stored bit for bit, so a
// resumed run continues exactly as an uninterrupted one.

import DuralavaNN
import DuralavaRuntime

public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "checkpoint \(path): \(message)" }
}

/// What a checkpoint restores besides the tensors.
public struct CheckpointContents {
    public var step: Int
    public var randomGenerators: [String: RandomGenerator]
    public var metadata: [String: String]
}

public enum Checkpoint {
    public static let formatName = "duralava-checkpoint"
    public static let version = 1

    public static func save(to path: String, parameters: [Parameter], optimizers: [String: Optimizer] = [:],
                            randomGenerators: [String: RandomGenerator] = [:], step: Int,
                            metadata: [String: String] = [:]) throws {
        // A diverged run must not replace the last good checkpoint with one load() refuses.
        if let bad = NonFiniteCheck.firstBadParameter(parameters) {
            throw CheckpointError(path: path, message: "not saved: parameter \"\(bad.name)\" holds \(bad.value) at element \(bad.index) "
                                  + "(training diverged); the file at this path is left as it was")
        }
        for (name, opt) in optimizers.sorted(by: { $0.key < $1.key }) {
            if let bad = NonFiniteCheck.firstBadTensor(opt.stateTensors) {
                throw CheckpointError(path: path, message: "not saved: optimizer \"\(name)\" state \"\(bad.name)\" holds \(bad.value) "
                                      + "(training diverged); the file at this path is left as it was")
            }
        }
        var writer = SafetensorsWriter()
        var names = Set<String>()
        for p in parameters {
            guard names.insert(p.name).inserted else {
                throw CheckpointError(path: path, message: "two parameters are named \"\(p.name)\"")
            }
            writer.add("param." + p.name, shape: p.value.shape, floats: p.value.array)
        }
        writer.metadata["format"] = formatName
        writer.metadata["checkpoint_version"] = String(version)
        writer.metadata["step"] = String(step)
        for (name, opt) in optimizers {
            writer.metadata["opt.\(name).kind"] = opt.kind
            writer.metadata["opt.\(name).steps"] = String(opt.stepCount)
            for (slot, t) in opt.stateTensors {
                writer.add("opt.\(name).\(slot)", shape: t.shape, floats: t.array)
            }
        }
        for (name, rng) in randomGenerators {
            writer.metadata["rng.\(name)"] = rng.stateWords.map { String($0) }.joined(separator: ",")
        }
        for (k, v) in metadata { writer.metadata["meta." + k] = v }
        do {
            try writer.write(to: path)
        } catch {
            throw CheckpointError(path: path, message: "cannot write: \(error)")
        }
    }

    /// The trainer's own metadata (preset, frame size) of a checkpoint, without restoring it.
    public static func userMetadata(at path: String) throws -> [String: String] {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: path) } catch {
            throw CheckpointError(path: path, message: "unreadable: \(error)")
        }
        return userMetadata(file.metadata)
    }

    /// The caller's keys of a checkpoint's metadata, without their "meta." prefix.
    private static func userMetadata(_ meta: [String: String]) -> [String: String] {
        var user: [String: String] = [:]
        for (k, v) in meta where k.hasPrefix("meta.") { user[String(k.dropFirst(5))] = v }
        return user
    }

    /// Restores parameters and optimizer state in place and returns the rest. The file must
    /// hold exactly these parameters and optimizers, with the same shapes; nothing is
    /// modified unless the whole file checks out. Two exceptions, for networks that only some
    /// runs have (phase 2's pixel critic): `optionalParameters` and `optionalOptimizers` may be
    /// absent from the file altogether (then they keep their values; present in part is an
    /// error), and tensors whose names start with one of `ignoredPrefixes` are skipped.
    @discardableResult
    public static func load(from path: String, parameters: [Parameter], optimizers: [String: Optimizer] = [:],
                            optionalParameters: [Parameter] = [], optionalOptimizers: [String: Optimizer] = [:],
                            ignoredPrefixes: [String] = [],
                            requiredRandomGenerators: [String] = []) throws -> CheckpointContents {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: path) } catch {
            throw CheckpointError(path: path, message: "unreadable: \(error)")
        }
        let meta = file.metadata
        guard meta["format"] == formatName else {
            throw CheckpointError(path: path, message: "not a duralava checkpoint (format = \(meta["format"] ?? "missing"))")
        }
        guard meta["checkpoint_version"] == String(version) else {
            throw CheckpointError(path: path, message: "checkpoint version \(meta["checkpoint_version"] ?? "missing"), this trainer reads \(version)")
        }
        guard let stepText = meta["step"], let step = Int(stepText), step >= 0 else {
            throw CheckpointError(path: path, message: "missing or invalid step counter")
        }
        var pending: [(Tensor, [Float])] = []
        var expected = Set<String>()
        func read(_ name: String, into t: Tensor) throws {
            expected.insert(name)
            guard let info = file.tensors[name] else {
                throw CheckpointError(path: path, message: "tensor \"\(name)\" is missing")
            }
            guard info.shape == t.shape else {
                throw CheckpointError(path: path, message: "tensor \"\(name)\" has shape \(info.shape), the model needs \(t.shape)")
            }
            do { pending.append((t, try file.floats(name, shape: t.shape))) } catch {
                throw CheckpointError(path: path, message: "tensor \"\(name)\": \(error)")
            }
        }
        var parameters = parameters, optimizers = optimizers
        let optionalNames = optionalParameters.map { "param." + $0.name }
            + optionalOptimizers.flatMap { name, opt in opt.stateTensors.map { "opt.\(name).\($0.0)" } }
        let presentOptional = optionalNames.filter { file.tensors[$0] != nil }
        if !presentOptional.isEmpty {
            // Present: all of it, like any other parameter.
            if let missing = optionalNames.first(where: { file.tensors[$0] == nil }) {
                throw CheckpointError(path: path, message: "tensor \"\(missing)\" is missing (the file holds \(presentOptional.count) "
                                      + "of the \(optionalNames.count) tensors of an optional network)")
            }
            parameters += optionalParameters
            optimizers.merge(optionalOptimizers) { a, _ in a }
        }
        for p in parameters { try read("param." + p.name, into: p.value) }
        var optimizerSteps: [(Optimizer, Int)] = []
        for (name, opt) in optimizers {
            guard meta["opt.\(name).kind"] == opt.kind else {
                throw CheckpointError(path: path, message: "optimizer \"\(name)\" is \(meta["opt.\(name).kind"] ?? "missing") in the file, \(opt.kind) here")
            }
            guard let s = meta["opt.\(name).steps"].flatMap({ Int($0) }), s >= 0 else {
                throw CheckpointError(path: path, message: "optimizer \"\(name)\" has no valid step count")
            }
            optimizerSteps.append((opt, s))
            for (slot, t) in opt.stateTensors { try read("opt.\(name).\(slot)", into: t) }
        }
        if let extra = file.tensors.keys.sorted().first(where: { name in
            !expected.contains(name) && !ignoredPrefixes.contains { name.hasPrefix($0) }
        }) {
            throw CheckpointError(path: path, message: "tensor \"\(extra)\" belongs to no parameter or optimizer of this model")
        }
        var rngs: [String: RandomGenerator] = [:]
        for (k, v) in meta where k.hasPrefix("rng.") {
            let words = v.split(separator: ",").compactMap { UInt64($0) }
            guard words.count == 4, words.contains(where: { $0 != 0 }) else {
                throw CheckpointError(path: path, message: "random generator \"\(k.dropFirst(4))\" has an invalid state \"\(v)\"")
            }
            rngs[String(k.dropFirst(4))] = RandomGenerator(stateWords: words)
        }
        if let missing = requiredRandomGenerators.first(where: { rngs[$0] == nil }) {
            throw CheckpointError(path: path, message: "random generator \"\(missing)\" is missing")
        }
        let user = userMetadata(meta)
        // Everything checked: apply.
        for (t, values) in pending {
            values.withUnsafeBufferPointer { t.pointer.update(from: $0.baseAddress!, count: t.count) }
        }
        for (opt, s) in optimizerSteps { opt.stepCount = s }
        return CheckpointContents(step: step, randomGenerators: rngs, metadata: user)
    }
}
