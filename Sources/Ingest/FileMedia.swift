public import Storage

/// What the preview workers measured in a file; a field is nil when the kind of file has
/// no such measure (an image has no duration, a PDF no codec).
public struct FileMedia: Codable, Sendable, Equatable {
    public var width: Int?
    public var height: Int?
    public var durationMs: Int?
    public var pages: Int?
    public var videoCodec: String?
    public var audioCodec: String?
    public var sampleRate: Int?
    public var channels: Int?

    public init(
        width: Int? = nil, height: Int? = nil, durationMs: Int? = nil, pages: Int? = nil,
        videoCodec: String? = nil, audioCodec: String? = nil, sampleRate: Int? = nil, channels: Int? = nil
    ) {
        self.width = width
        self.height = height
        self.durationMs = durationMs
        self.pages = pages
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// A preview the workers made of a file, stored as a blob of its own.
public struct FilePreview: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// An image scaled down.
        case thumbnail
        /// A PDF's first page.
        case page
        /// A frame of a video.
        case still
        /// A picture of an audio file's loudness over time.
        case waveform
    }

    public let kind: Kind
    public let width: Int
    public let height: Int
    public let contentType: String
    public let size: Int64
    public let sha256: BlobDigest

    public init(kind: Kind, width: Int, height: Int, contentType: String, size: Int64, sha256: BlobDigest) {
        self.kind = kind
        self.width = width
        self.height = height
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}
