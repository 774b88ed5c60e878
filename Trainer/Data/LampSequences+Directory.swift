import DuralavaRuntime

extension LampSequences {
    /// Footage from a directory of PNG frames (sorted by name): every `frameStep`-th frame is one
    /// model step; the steps are cut into sequences of `sequenceLength` (one shorter sequence
    /// when there are fewer frames). Unreadable files are skipped and reported through `log`.
    /// Frames of another aspect are fitted by `fit`, and `log` says what that did (followed by
    /// `cropHint` when a crop cut something off).
    public static func frameDirectory(_ directory: String, width: Int, height: Int, fit: FrameFit = .crop, cropHint: String? = nil,
                                      frameStep: Int, cacheDirectory: String? = nil,
                                      sequenceLength: Int, stepSeconds: Double,
                                      log: (String) -> Void) throws -> LampSequences {
        guard frameStep >= 1 else { throw FootageError("--frame-step must be at least 1") }
        let dataset = try FrameDirectoryDataset(directory: directory, width: width, height: height, fit: fit, cacheDirectory: cacheDirectory)
        for w in dataset.warnings { log("warning: \(w)") }
        if let source = dataset.sourceSize {
            let cut = fit == .crop && source.width * height != source.height * width
            log("\(directory): " + fit.describe(sourceWidth: source.width, sourceHeight: source.height, width: width, height: height)
                + (cut ? cropHint.map { "; " + $0 } ?? "" : ""))
        }
        let steps = stride(from: 0, to: dataset.count, by: frameStep).map { $0 }
        guard steps.count >= 2 else {
            throw FootageError("\(directory): \(dataset.count) readable frames give \(steps.count) model steps at --frame-step \(frameStep); need at least 2")
        }
        let length = min(sequenceLength, steps.count)
        var sequences: [[UInt8]] = []
        var start = 0
        while start + length <= steps.count {
            var frames: [UInt8] = []
            frames.reserveCapacity(length * width * height * 3)
            for t in 0..<length { frames += dataset.frameBytes(at: steps[start + t]) }
            sequences.append(frames)
            start += length
        }
        log("\(directory): \(dataset.count) frames\(dataset.loadedFromCache ? " (from cache)" : ""), \(frameStep == 1 ? "every frame" : "every \(NumberFormat.ordinal(frameStep)) frame") → \(sequences.count) sequences of \(length) steps")
        return LampSequences(width: width, height: height, stepSeconds: stepSeconds, sequences: sequences, length: length,
                             provenance: ["provenance.data": directory,
                                          "provenance.frame_step": String(frameStep),
                                          "provenance.frames_per_second": "\(Double(frameStep) / stepSeconds)",
                                          "provenance.frames": String(dataset.count),
                                          "provenance.fit": fit.rawValue]
                                 .merging(dataset.sourceSize.map { ["provenance.source_size": "\($0.width)x\($0.height)"] } ?? [:]) { a, _ in a })
    }
}

