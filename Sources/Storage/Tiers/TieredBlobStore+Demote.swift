extension TieredBlobStore {
    /// What ``TieredBlobStore/demote(_:)`` did.
    public enum Demotion: Sendable, Equatable {
        /// The blob was copied to (or already whole in) the cold tier and removed from hot.
        case moved(BlobInfo)
        /// Only the cold tier held it already.
        case alreadyCold(BlobInfo)
    }

    /// Moves a blob from the hot tier to the cold one: copies it through the cold store's
    /// `put` (which checks its size and digest) unless cold already holds it whole, and only
    /// then removes it from hot. Running it again, after an interruption or not, finishes
    /// the move.
    ///
    /// - Throws: ``BlobStoreError/notFound(_:)`` when neither tier holds the blob.
    @discardableResult
    public func demote(_ digest: BlobDigest) async throws -> Demotion {
        guard let info = try await hot.head(digest) else {
            guard let info = try await cold.head(digest) else { throw BlobStoreError.notFound(digest) }
            return .alreadyCold(info)
        }
        if try await cold.head(digest) != info {
            _ = try await cold.put(digest, size: info.size, from: try await hot.read(digest, range: nil)) { _ in }
        }
        try await hot.delete(digest)
        return .moved(info)
    }
}
