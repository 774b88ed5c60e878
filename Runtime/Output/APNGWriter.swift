/// Streams an animated PNG (APNG) that loops forever: frames are compressed and written
/// as they arrive, so a long render needs memory for one frame only. The frame count is
/// declared up front because the acTL chunk precedes the frames.
public final class APNGWriter {
    public let path: String
    public let width: Int
    public let height: Int
    public let frameCount: Int
    private let delayNumerator: UInt16
    private let delayDenominator: UInt16
    private var file: OutputFile?
    private var framesWritten = 0
    private var sequence: UInt32 = 0
    private let compressor: PNGCompressor

    /// The frame delay (seconds = numerator / denominator) of a display rate: 1/fps exactly
    /// for whole rates, else the nearest millisecond (1 ... 65535 ms).
    public static func frameDelay(framesPerSecond fps: Double) -> (numerator: UInt16, denominator: UInt16) {
        if fps == fps.rounded(), fps >= 1, fps <= 65535 { return (1, UInt16(fps)) }
        return (UInt16(Swift.max(1, Swift.min((1000 / fps).rounded(), 65535))), 1000)
    }

    /// Each frame is shown for delayNumerator/delayDenominator seconds; frames are deflated at
    /// zlib level `compression` (1 fastest ... 9 smallest).
    public init(path: String, width: Int, height: Int, frameCount: Int,
                delayNumerator: UInt16, delayDenominator: UInt16, compression: Int32 = 6) throws(OutputError) {
        guard width > 0, height > 0 else {
            throw OutputError(path: path, message: "frame size \(width)x\(height) is empty")
        }
        guard frameCount > 0 else {
            throw OutputError(path: path, message: "an animation needs at least one frame")
        }
        guard delayDenominator > 0 else {
            throw OutputError(path: path, message: "frame delay denominator must be positive")
        }
        self.path = path; self.width = width; self.height = height; self.frameCount = frameCount
        self.delayNumerator = delayNumerator; self.delayDenominator = delayDenominator
        compressor = PNGCompressor(level: compression)
        let file = try OutputFile(path: path)
        self.file = file
        var actl: [UInt8] = []
        PNGEncoder.appendUInt32(&actl, UInt32(frameCount))
        PNGEncoder.appendUInt32(&actl, 0) // num_plays 0: loop forever
        try file.write(PNGEncoder.signature + PNGEncoder.header(width: width, height: height)
                       + PNGEncoder.chunk("acTL", actl))
    }

    public func append(rgb: [UInt8]) throws(OutputError) {
        try rgb.withUnsafeBufferPointer { (b) throws(OutputError) in try append(rgb: b) }
    }

    public func append(rgb: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        guard let file else { throw OutputError(path: path, message: "animation already finished") }
        guard framesWritten < frameCount else {
            throw OutputError(path: path, message: "more frames than the declared \(frameCount)")
        }
        guard rgb.count == width * height * 3 else {
            throw OutputError(path: path, message: "frame of \(rgb.count) bytes does not match \(width)x\(height) RGB")
        }
        var fctl: [UInt8] = []
        PNGEncoder.appendUInt32(&fctl, sequence); sequence += 1
        PNGEncoder.appendUInt32(&fctl, UInt32(width)); PNGEncoder.appendUInt32(&fctl, UInt32(height))
        PNGEncoder.appendUInt32(&fctl, 0); PNGEncoder.appendUInt32(&fctl, 0) // x, y offset
        PNGEncoder.appendUInt16(&fctl, delayNumerator); PNGEncoder.appendUInt16(&fctl, delayDenominator)
        fctl += [0, 0] // dispose none, blend source: every frame is a full image
        var bytes = PNGEncoder.chunk("fcTL", fctl)
        let data = compressor.compress(width: width, height: height, rgb: rgb)
        if framesWritten == 0 {
            bytes += PNGEncoder.chunk("IDAT", Array(data)) // the default image is the first frame
        } else {
            var fdat: [UInt8] = []
            fdat.reserveCapacity(data.count + 4)
            PNGEncoder.appendUInt32(&fdat, sequence); sequence += 1
            fdat += data
            bytes += PNGEncoder.chunk("fdAT", fdat)
        }
        try file.write(bytes)
        framesWritten += 1
    }

    /// Gives up: removes the partial file, leaves whatever was at `path` as it was.
    public func abandon() {
        file?.abandon()
        file = nil
    }

    /// Closes the animation; it is renamed into place only when every declared frame is there.
    public func finish() throws(OutputError) {
        guard let file else { return }
        guard framesWritten == frameCount else {
            throw OutputError(path: path, message: "only \(framesWritten) of \(frameCount) declared frames were written")
        }
        try file.write(PNGEncoder.chunk("IEND", []))
        try file.commit()
        self.file = nil
    }
}
