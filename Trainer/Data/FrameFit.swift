// How a source frame of another shape becomes a training frame: cut to the training aspect
// (the default; the lamp fills the frame) or shrunk whole into it with black bars (nothing
// of the lamp is lost). Each says in words what it did to the user's footage.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum FrameFit: String, CaseIterable, Sendable {
    /// Centre-crop to the training aspect ratio, then resample.
    case crop
    /// Resample the whole frame into the training size, centred, with black bars.
    case letterbox

    /// The area of a sourceWidth × sourceHeight frame that a crop keeps, in source pixels.
    public static func cropSize(sourceWidth sw: Int, sourceHeight sh: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        if sw * height > sh * width { return (Int((Double(sh) * Double(width) / Double(height)).rounded()), sh) }
        return (sw, Int((Double(sw) * Double(height) / Double(width)).rounded()))
    }

    /// The picture's size inside a letterboxed width × height frame (the rest is bars).
    public static func letterboxContent(sourceWidth sw: Int, sourceHeight sh: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        let scale = min(Double(width) / Double(sw), Double(height) / Double(sh))
        return (min(width, max(1, Int((Double(sw) * scale).rounded()))), min(height, max(1, Int((Double(sh) * scale).rounded()))))
    }

    /// One sentence on what fitting sourceWidth × sourceHeight footage to width × height does.
    public func describe(sourceWidth sw: Int, sourceHeight sh: Int, width: Int, height: Int) -> String {
        let source = "\(sw)x\(sh)", target = "\(width)x\(height)"
        if sw * height == sh * width {
            return "frames of \(source) resized to \(target) (same aspect: nothing cut, no bars)"
        }
        switch self {
        case .crop:
            let kept = FrameFit.cropSize(sourceWidth: sw, sourceHeight: sh, width: width, height: height)
            let cut = kept.width < sw ? "\(sw - kept.width) px of width (left and right)" : "\(sh - kept.height) px of height (top and bottom)"
            return "frames of \(source) centre-cropped to \(kept.width)x\(kept.height) (cutting \(cut)) and resized to \(target)"
        case .letterbox:
            let c = FrameFit.letterboxContent(sourceWidth: sw, sourceHeight: sh, width: width, height: height)
            let bars = c.width < width ? "black bars left and right" : "black bars top and bottom"
            return "frames of \(source) resized whole to \(c.width)x\(c.height) inside \(target) with \(bars)"
        }
    }

    /// The training size nearest `area` pixels with the footage's aspect, each side a multiple
    /// of `multiple` within multiple...maxSide (what `--size auto` picks).
    public static func sizeForAspect(sourceWidth sw: Int, sourceHeight sh: Int, area: Int, multiple m: Int,
                                     maxSide: Int) -> (width: Int, height: Int) {
        let aspect = Double(sw) / Double(sh)
        var best = (width: m, height: m), bestCost = Double.infinity
        for w in stride(from: m, through: maxSide, by: m) {
            for h in stride(from: m, through: maxSide, by: m) {
                // Aspect error counts most; among near-equal aspects the area nearest wins.
                let aspectError = abs(log(Double(w) / Double(h) / aspect))
                let areaError = abs(log(Double(w * h) / Double(area)))
                let cost = 4 * aspectError + areaError
                if cost < bestCost { bestCost = cost; best = (w, h) }
            }
        }
        return best
    }
}
