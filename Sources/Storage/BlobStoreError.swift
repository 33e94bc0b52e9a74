/// Why a blob store refused or failed a call.
public enum BlobStoreError: Error, Equatable, CustomStringConvertible {
    /// More bytes arrived than declared (refused as soon as the excess arrives).
    case tooLong(declared: Int64)
    /// The body ended before the declared size.
    case tooShort(declared: Int64, received: Int64)
    /// The bytes hash to another digest than declared.
    case digestMismatch(declared: BlobDigest, actual: BlobDigest)
    /// No blob under this digest.
    case notFound(BlobDigest)
    /// The range lies outside the blob.
    case rangeOutOfBounds(Range<Int64>, size: Int64)
    /// A system call failed.
    case io(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .tooLong(let declared): "the body is longer than the declared \(declared) bytes"
        case .tooShort(let declared, let received): "the body has \(received) bytes, not the declared \(declared)"
        case .digestMismatch(let declared, let actual): "the body's sha256 is \(actual), not the declared \(declared)"
        case .notFound(let digest): "no blob \(digest)"
        case .rangeOutOfBounds(let range, let size): "bytes \(range.lowerBound)..<\(range.upperBound) are outside a blob of \(size) bytes"
        case .io(let operation, let code): "\(operation) failed: errno \(code)"
        }
    }
}
