import CAVShim

/// Audio and video files through libavformat: what the container and its streams say,
/// read without decoding. Blocks: run it on a worker thread.
public enum Media {
    /// The container's duration and its best video and audio streams that have a decoder;
    /// throws when the file does not open or has neither.
    public static func probe(path: String) throws(MediaError) -> MediaInfo {
        var media = grey_av_media()
        var error: UnsafeMutablePointer<CChar>?
        guard grey_av_probe(path, &media, &error) == 0 else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            if let error { grey_av_free(error) }
            throw MediaError(message: message)
        }
        return MediaInfo(
            durationMs: media.duration_ms >= 0 ? Int(media.duration_ms) : nil,
            video: media.has_video != 0
                ? .init(codec: name(media.video_codec), width: Int(media.width), height: Int(media.height)) : nil,
            audio: media.has_audio != 0
                ? .init(codec: name(media.audio_codec), sampleRate: Int(media.sample_rate), channels: Int(media.channels)) : nil
        )
    }

    /// A fixed-size C string field as a String.
    private static func name<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

/// What a media file holds.
public struct MediaInfo: Sendable, Equatable {
    public struct Video: Sendable, Equatable {
        public let codec: String
        public let width: Int
        public let height: Int

        public init(codec: String, width: Int, height: Int) {
            self.codec = codec
            self.width = width
            self.height = height
        }
    }

    public struct Audio: Sendable, Equatable {
        public let codec: String
        public let sampleRate: Int
        public let channels: Int

        public init(codec: String, sampleRate: Int, channels: Int) {
            self.codec = codec
            self.sampleRate = sampleRate
            self.channels = channels
        }
    }

    public let durationMs: Int?
    public let video: Video?
    public let audio: Audio?
}

/// libavformat refused a file; its own words.
public struct MediaError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
