import Crypto

/// A stored encrypted blob, opened for reading: its header checked, its data key
/// unwrapped, its plaintext size known from its stored size.
public struct EncryptedBlob: Sendable {
    public let digest: BlobDigest
    public let plaintextSize: Int64
    let dataKey: DataKey

    /// - Parameters:
    ///   - header: the blob's first stored bytes (at least ``EncryptedBlobFormat/headerLength``
    ///     of them; fewer only when the blob is shorter, which fails its check).
    ///   - storedSize: the size of the stored blob.
    /// - Throws: ``BlobStoreError/integrity(_:)`` or ``BlobStoreError/unknownEncryptionKey(id:)``.
    public init(header: [UInt8], digest: BlobDigest, storedSize: Int64, keyRing: EncryptionKeyRing) throws {
        guard let size = EncryptedBlobFormat.plaintextSize(storedSize: storedSize) else { throw BlobStoreError.integrity(digest) }
        let opened = try EncryptedBlobHeader(opening: header, digest: digest, keyRing: keyRing)
        self.digest = digest
        self.plaintextSize = size
        self.dataKey = DataKey(opened.dataKey)
    }

    /// A reader of the plaintext `range` (the whole blob when nil), or
    /// ``BlobStoreError/rangeOutOfBounds(_:size:)`` for a range outside the blob.
    public func makeRangeOpener(for range: Range<Int64>?) throws -> BlobRangeOpener {
        let wanted = range ?? 0..<plaintextSize
        guard wanted.lowerBound >= 0, wanted.upperBound <= plaintextSize else {
            throw BlobStoreError.rangeOutOfBounds(wanted, size: plaintextSize)
        }
        return BlobRangeOpener(blob: self, range: wanted)
    }
}

/// A blob's data key, shared by the reads of one open blob.
final class DataKey: @unchecked Sendable {
    // Safe: immutable after init (SymmetricKey's bytes are never written once made).
    let key: SymmetricKey
    init(_ key: SymmetricKey) { self.key = key }
}
