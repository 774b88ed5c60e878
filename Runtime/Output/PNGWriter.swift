/// Encodes one 8-bit RGB image (interleaved, top row first) as PNG bytes.
public func encodePNG(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
    var out = PNGEncoder.signature
    out += PNGEncoder.header(width: width, height: height)
    let data = rgb.withUnsafeBufferPointer {
        PNGEncoder.compressedImage(width: width, height: height, rgb: $0)
    }
    out += PNGEncoder.chunk("IDAT", data)
    out += PNGEncoder.chunk("IEND", [])
    return out
}

/// Writes one 8-bit RGB image (interleaved, top row first) to a PNG file.
public func writePNG(path: String, width: Int, height: Int, rgb: [UInt8]) throws(OutputError) {
    guard width > 0, height > 0, rgb.count == width * height * 3 else {
        throw OutputError(path: path, message: "image of \(rgb.count) bytes does not match \(width)x\(height) RGB")
    }
    let file = try OutputFile(path: path)
    try file.write(encodePNG(width: width, height: height, rgb: rgb))
    try file.commit()
}
