/// Sizes of every network the lamp trainer builds. The generator and RNN are exported to the
/// runtime; the encoder and critics exist only for training.
public struct LampArchitecture: Equatable {
    public var frameSize = 64
    public var latentDim = 64
    public var generatorChannels = [256, 128, 64, 32]
    public var encoderChannels = [32, 64, 128, 256]
    public var criticChannels = [32, 64, 128, 256]
    public var criticFeatures = 128
    public var rnnHidden = [512, 512]
    public var rnnNoiseDim = 16
    public var transitionCriticHidden = [256, 256]

    public init() {}

    /// Spatial size of the generator's first layer.
    public var generatorBase: Int { frameSize >> generatorChannels.count }

    public func validate() throws {
        guard frameSize % (1 << generatorChannels.count) == 0, generatorBase >= 1 else {
            throw TrainingError("frame size \(frameSize) must be a multiple of \(1 << generatorChannels.count) for \(generatorChannels.count) generator blocks")
        }
        guard frameSize % (1 << criticChannels.count) == 0, frameSize % (1 << encoderChannels.count) == 0 else {
            throw TrainingError("frame size \(frameSize) must be a multiple of \(1 << max(criticChannels.count, encoderChannels.count))")
        }
    }
}

/// A training failure with a message for the user.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
