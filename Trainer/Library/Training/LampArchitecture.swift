/// Sizes of every network the lamp trainer builds. The generator and RNN are exported to the
/// runtime; the encoder and critics exist only for training.
public struct LampArchitecture: Equatable {
    /// Trained frame size; tall lamps train tall (e.g. 64 wide × 96 high from a 4×6 base).
    public var frameWidth = 64
    public var frameHeight = 64
    public var latentDim = 64
    public var generatorChannels = [256, 128, 64, 32]
    public var encoderChannels = [32, 64, 128, 256]
    public var criticChannels = [32, 64, 128, 256]
    public var criticFeatures = 128
    public var rnnHidden = [512, 512]
    public var rnnNoiseDim = 16
    public var transitionCriticHidden = [256, 256]

    public init() {}

    /// "WxH", the way the CLI's --size and the simulator write sizes.
    public var frameSizeText: String { "\(frameWidth)x\(frameHeight)" }

    /// "WxH" or a checkpoint's older "S" (square) → (width, height); nil when malformed.
    public static func parseFrameSize(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 1, let s = parts[0], s > 0 { return (s, s) }
        guard parts.count == 2, let w = parts[0], let h = parts[1], w > 0, h > 0 else { return nil }
        return (w, h)
    }

    /// Spatial size of the generator's first layer (frame ÷ 2^blocks on each side).
    public var generatorBaseHeight: Int { frameHeight >> generatorChannels.count }
    public var generatorBaseWidth: Int { frameWidth >> generatorChannels.count }

    /// The side every frame dimension must be a multiple of: each generator block doubles
    /// the size, each encoder or critic block halves it.
    public var sizeMultiple: Int { 1 << max(generatorChannels.count, criticChannels.count, encoderChannels.count) }

    public func validate() throws {
        let m = sizeMultiple
        guard frameWidth >= m, frameHeight >= m, frameWidth % m == 0, frameHeight % m == 0 else {
            throw TrainingError("frame size \(frameSizeText): width and height must each be a multiple of \(m) "
                                + "(\(generatorChannels.count) generator blocks, \(criticChannels.count) critic blocks)")
        }
    }
}

/// A training failure with a message for the user.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
