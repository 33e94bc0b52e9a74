/// A type of file Grey accepts: its extensions, the MIME types a client may declare for
/// it, and what libmagic may report for its bytes.
public struct FileType: Sendable, Equatable {
    public enum Category: String, Sendable {
        case image, video, audio, document
    }

    public let extensions: [String]
    /// The type Grey reports and serves the file as.
    public let mimeType: String
    /// Types a client may declare (browsers disagree on some).
    public let declarable: Set<String>
    /// Types libmagic may report for genuine bytes of this type.
    public let detectable: Set<String>
    public let category: Category

    /// The allow-list.
    public static let all: [FileType] = [
        FileType(["jpg", "jpeg"], "image/jpeg", also: ["image/jpg", "image/pjpeg"], detected: [], .image),
        FileType(["png"], "image/png", also: [], detected: [], .image),
        FileType(["heic", "heif"], "image/heic", also: ["image/heif", "image/heic-sequence", "image/heif-sequence"],
                 detected: ["image/heif", "image/heic-sequence", "image/heif-sequence"], .image),
        FileType(["webp"], "image/webp", also: [], detected: [], .image),
        FileType(["gif"], "image/gif", also: [], detected: [], .image),
        FileType(["mp4"], "video/mp4", also: [], detected: [], .video),
        FileType(["mov"], "video/quicktime", also: [], detected: [], .video),
        FileType(["pdf"], "application/pdf", also: [], detected: [], .document),
        // An OOXML file is a zip; libmagic names it only when the zip's first member is
        // `[Content_Types].xml`. The preview workers check the structure itself.
        FileType(["docx"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document", also: [],
                 detected: ["application/zip"], .document),
        FileType(["xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", also: [],
                 detected: ["application/zip"], .document),
        FileType(["mp3"], "audio/mpeg", also: ["audio/mp3"], detected: [], .audio),
        FileType(["wav"], "audio/wav", also: ["audio/x-wav", "audio/wave", "audio/vnd.wave"],
                 detected: ["audio/x-wav", "audio/wave", "audio/vnd.wave"], .audio),
    ]

    private init(_ extensions: [String], _ mimeType: String, also: Set<String>, detected: Set<String>, _ category: Category) {
        self.extensions = extensions
        self.mimeType = mimeType
        self.declarable = also.union([mimeType])
        self.detectable = detected.union([mimeType])
        self.category = category
    }

    /// The type a file name's extension names (case-insensitive), or nil if not allowed.
    public static func forFilename(_ filename: String) -> FileType? {
        guard let ext = self.extension(of: filename) else { return nil }
        return all.first { $0.extensions.contains(ext) }
    }

    /// The lowercased text after a file name's last dot, if it has one (and is not only one).
    static func `extension`(of filename: String) -> String? {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return nil }
        return filename[filename.index(after: dot)...].lowercased()
    }

    /// Whether a client may declare `contentType` (parameters such as `; charset` ignored).
    public func allowsDeclared(_ contentType: String) -> Bool {
        declarable.contains(Self.essence(of: contentType))
    }

    /// Whether libmagic's answer for the bytes fits this type.
    public func matchesDetected(_ detected: String) -> Bool {
        detectable.contains(Self.essence(of: detected))
    }

    /// A media type without parameters, lowercased: `Image/JPEG; q=1` is `image/jpeg`.
    static func essence(of contentType: String) -> String {
        let bare = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return String(bare.filter { $0 != " " && $0 != "\t" }).lowercased()
    }
}
