// libFuzzer target for the trainer's PNG frame reader (libpng's simplified API behind
// PNGReader.read): every input is written to a file and read as a frame. It must end in an
// RGB image or a FrameDataError, never a trap, an out-of-bounds access or an allocation
// beyond PNGReader's pixel limit. No size cap here.

#if canImport(Glibc)
import Glibc
#endif

private let inputPath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/duralava-png-fuzz-\(getpid()).png"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func pngFrameFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let f = fopen(inputPath, "wb") else { fatalError("cannot write \(inputPath)") }
    precondition(fwrite(data, 1, size, f) == size)
    fclose(f)
    do {
        let image = try PNGReader.read(path: inputPath)
        precondition(image.pixels.count == image.width * image.height * 3)
        _ = FrameResampler.fit(image, width: 16, height: 16)
    } catch {
        precondition(!"\(error)".contains("\n"), "a frame error is one line")
    }
    return 0
}
