import CAVShim

extension Media {
    /// A frame of the best video stream at `position` (a fraction of the duration), scaled to
    /// fit `maximumSize` × `maximumSize` (never enlarged, aspect kept). A black frame gives way
    /// to the next one that is not, up to 2 s later; a file that does not seek or ends early
    /// gives its first frame. Refuses videos over 100 megapixels.
    public static func still(path: String, at position: Double = 0.1, maximumSize: Int) throws(MediaError) -> RGBImage {
        guard let size = Int32(exactly: maximumSize), size > 0 else {
            throw MediaError(message: "maximum size out of range")
        }
        var rgb: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var error: UnsafeMutablePointer<CChar>?
        guard grey_av_still(path, position, size, &rgb, &width, &height, &error) == 0, let rgb else {
            throw MediaError(taking: error)
        }
        defer { grey_av_free(rgb) }
        let pixels = Array(UnsafeBufferPointer(start: rgb, count: Int(width) * Int(height) * 3))
        return RGBImage(pixels: pixels, width: Int(width), height: Int(height))
    }

    /// The peak amplitude (0...1, across channels) of each of `columns` equal slices of the
    /// best audio stream, decoded whole. Throws once more than `maximumSamples` samples per
    /// channel have decoded, and when no audio decodes; audio that breaks off part way ends
    /// the waveform there.
    public static func waveform(path: String, columns: Int, maximumSamples: Int64) throws(MediaError) -> [Float] {
        guard let count = Int32(exactly: columns), count > 0, count <= GREY_AV_MAX_COLUMNS else {
            throw MediaError(message: "columns out of range")
        }
        var peaks = [Float](repeating: 0, count: columns)
        var error: UnsafeMutablePointer<CChar>?
        let status = peaks.withUnsafeMutableBufferPointer { peaks in
            grey_av_waveform(path, count, peaks.baseAddress, maximumSamples, &error)
        }
        guard status == 0 else { throw MediaError(taking: error) }
        return peaks
    }
}

/// Packed 8-bit RGB pixels, row by row with no padding: 3 bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    public let pixels: [UInt8]
    public let width: Int
    public let height: Int

    public init(pixels: [UInt8], width: Int, height: Int) {
        self.pixels = pixels
        self.width = width
        self.height = height
    }
}

extension MediaError {
    /// The shim's error string, freed.
    init(taking error: UnsafeMutablePointer<CChar>?) {
        self.init(message: error.map { String(cString: $0) } ?? "unknown error")
        if let error { grey_av_free(error) }
    }
}
