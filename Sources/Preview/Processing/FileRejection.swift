/// Why a file's bytes were refused after upload: a stable `code` for clients (the API's
/// `rejection.code`) and a detail for people. Throwing one from a check rejects the file;
/// any other error fails the job's attempt and it is retried.
public struct FileRejection: Error, Equatable, CustomStringConvertible {
    public let code: String
    public let detail: String

    public init(_ code: String, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }

    /// The bytes do not decode as their type.
    static func corrupt(_ detail: String) -> FileRejection { FileRejection("corrupt", detail) }
    /// The bytes are another kind of file than the name says.
    static func typeMismatch(_ detail: String) -> FileRejection { FileRejection("type_mismatch", detail) }
    static func tooManyPixels(width: Int, height: Int, limit: Int) -> FileRejection {
        FileRejection("too_many_pixels", "\(width)x\(height) is more than \(limit / 1_000_000) megapixels")
    }
}
