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
    /// A decoder failed: `memory_limit` when it ran out of the worker's address space
    /// (libvips, poppler and libav say so in their words; under the cap a new thread's
    /// stack cannot be reserved either), else `corrupt`.
    static func decodeFailure(_ context: String, _ message: String) -> FileRejection {
        let lowered = message.lowercased()
        if Self.outOfMemoryWords.contains(where: lowered.contains) {
            return FileRejection("memory_limit", "\(context): decoding needs more memory than a worker may use (\(message))")
        }
        return FileRejection.corrupt("\(context): \(message)")
    }

    /// How the decoders word an allocation that failed.
    static let outOfMemoryWords = [
        "out of memory", "insufficient memory", "cannot allocate", "memory allocation", "error creating thread",
    ]

    static func tooManyPixels(width: Int, height: Int, limit: Int) -> FileRejection {
        FileRejection("too_many_pixels", "\(width)x\(height) is more than \(limit / 1_000_000) megapixels")
    }
}
