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
    /// The stored bytes are not what was written: changed, cut short, reordered, or not
    /// an encrypted blob at all. No byte of the failing part is handed out.
    case integrity(BlobDigest)
    /// The blob was encrypted under a master key the key ring does not hold.
    case unknownEncryptionKey(id: String)

    public var description: String {
        switch self {
        case .tooLong(let declared): "the body is longer than the declared \(declared) bytes"
        case .tooShort(let declared, let received): "the body has \(received) bytes, not the declared \(declared)"
        case .digestMismatch(let declared, let actual): "the body's sha256 is \(actual), not the declared \(declared)"
        case .notFound(let digest): "no blob \(digest)"
        case .rangeOutOfBounds(let range, let size): "bytes \(range.lowerBound)..<\(range.upperBound) are outside a blob of \(size) bytes"
        case .io(let operation, let code): "\(operation) failed: errno \(code)"
        case .integrity(let digest): "blob \(digest) failed its integrity check"
        case .unknownEncryptionKey(let id): "the blob is encrypted under the key \"\(id)\", which the encryption key ring does not hold"
        }
    }
}
