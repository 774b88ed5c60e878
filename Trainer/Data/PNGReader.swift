// Decoding PNG files with libpng's simplified API, which converts every PNG flavour
// (grey, grey+alpha, palette, RGB, RGBA; 1 to 16 bits) to 8-bit sRGB RGB for us.

import CPNG

/// An 8-bit RGB image, rows top first, interleaved.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

public enum PNGReader {
    /// Largest image accepted (per side); protects against absurd headers.
    public static let maximumSide = 1 << 15
    /// Largest image accepted in pixels (8192 x 8192, twice 8K video): the RGB buffer is
    /// allocated from the header before a row is decoded, and a 100-byte file claiming
    /// 32768 x 32768 would otherwise cost 3.2 GB.
    public static let maximumPixels = 1 << 26

    /// Reads a PNG file as 8-bit RGB. Transparent pixels are composited onto black (the
    /// lamp's dark room); 16-bit images without colour-space information are taken as
    /// sRGB-encoded, which is what video frame extractors write.
    public static func read(path: String) throws -> RGBImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let reason = message(of: &image)
            png_image_free(&image)
            throw FrameDataError.unreadableImage(path: path, reason: describe(reason))
        }
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width <= maximumSide, height <= maximumSide, width * height <= maximumPixels else {
            png_image_free(&image)
            throw FrameDataError.unreadableImage(path: path, reason: "unsupported image size \(width)x\(height)")
        }
        image.format = png_uint_32(PNG_FORMAT_RGB)
        image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var black = png_color(red: 0, green: 0, blue: 0)
        let ok = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, &black, buffer.baseAddress, png_int_32(width * 3), nil)
        }
        guard ok != 0 else {
            let reason = message(of: &image)
            png_image_free(&image)
            throw FrameDataError.unreadableImage(path: path, reason: describe(reason))
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// libpng's error message, kept in a fixed char array inside png_image.
    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func describe(_ libpngMessage: String) -> String {
        let m = libpngMessage.isEmpty ? "unknown error" : libpngMessage
        if m.lowercased().contains("not a png") { return "not a PNG file" }
        return "not a readable PNG image (libpng: \(m))"
    }
}
