/// What a worker accepts before it decodes a file, and the size of what it makes. Every
/// limit is checked from headers first, so a hostile file is refused before it costs a
/// full decode.
public struct ProcessingLimits: Sendable {
    /// Pixels in one image or video frame (100 megapixels).
    public var maximumPixels = 100_000_000
    /// Frames of an animated image.
    public var maximumFrames = 1_000
    /// Pages of a PDF.
    public var maximumPages = 5_000
    /// Length of a video or audio file, in milliseconds (6 hours).
    public var maximumDurationMs = 6 * 3_600_000
    /// Audio samples decoded for a waveform: six hours of 8 channels at 96 kHz, so a file
    /// whose header understates its length still stops.
    public var maximumAudioSamples: Int64 = 6 * 3_600 * 96_000 * 8
    /// What an OOXML package may hold.
    public var office = OfficePackageLimits()

    /// Thumbnail sizes of an image (each fits a square of this side).
    public var thumbnailSizes = [256, 1024]
    /// The rendered width of a PDF's first page, and its largest height.
    public var pageWidth = 1024
    public var pageMaximumHeight = 2048
    /// The side a video still fits in.
    public var stillSize = 1024
    /// The waveform picture's size.
    public var waveformWidth = 1000
    public var waveformHeight = 200

    public init() {}
}
