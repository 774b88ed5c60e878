// libFuzzer target for the model-file reader: every input is parsed as a safetensors file
// and, when that succeeds, loaded as a lamp model (metadata, limits, every tensor). Built
// with the runtime's own sources (fuzz/run.sh). Any input must end in a ModelError or a
// model, never a trap, an out-of-bounds access or an allocation beyond the format's limits.
// No size cap here: the format's limits (FORMAT.md) are what is under test.

@_cdecl("LLVMFuzzerTestOneInput")
public func modelFileFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let file = try SafetensorsFile(bytes: bytes, path: "fuzz.safetensors")
        let model = try LampModel(file: file)
        // A loaded model must also run: one guarded step and its 8-bit frame (finite but huge
        // weights can overflow to a NaN frame, which must come out black, not trap).
        let animator = LampAnimator(model: model, seed: 1)
        animator.advance()
        animator.render(phase: 0.5)
    } catch {
        // A one-line error is the expected outcome for almost every input.
        precondition(!"\(error)".contains("\n"), "a model error is one line")
    }
    return 0
}
