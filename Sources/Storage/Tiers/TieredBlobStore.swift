public import NIOCore

/// Two blob stores seen as one: new blobs go to the hot tier, reads look there first and
/// then read through from the cold tier (ranges included, without copying the blob back).
/// ``demote(_:)`` moves a blob from hot to cold; at every moment a blob is whole in at
/// least one tier, so a reader never misses it.
public struct TieredBlobStore: BlobStore {
    public let hot: any BlobStore
    public let cold: any BlobStore
    /// Called once for every read, with the tier that served it (for the metrics).
    let onRead: @Sendable (BlobTier) -> Void

    public init(hot: any BlobStore, cold: any BlobStore, onRead: @escaping @Sendable (BlobTier) -> Void = { _ in }) {
        self.hot = hot
        self.cold = cold
        self.onRead = onRead
    }

    public func put<Body: AsyncSequence & Sendable>(
        _ digest: BlobDigest, size: Int64, from body: Body, inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> BlobInfo where Body.Element == ByteBuffer {
        try await hot.put(digest, size: size, from: body, inspect: inspect)
    }

    public func head(_ digest: BlobDigest) async throws -> BlobInfo? {
        if let info = try await hot.head(digest) { return info }
        return try await cold.head(digest)
    }

    /// The bytes from the hot tier, or from the cold one when hot has no such blob (also
    /// when a demotion removed it between the two calls).
    public func read(_ digest: BlobDigest, range: Range<Int64>?) async throws -> BlobReadStream {
        do {
            let stream = try await hot.read(digest, range: range)
            onRead(.hot)
            return stream
        } catch BlobStoreError.notFound {
            let stream = try await cold.read(digest, range: range)
            onRead(.cold)
            return stream
        }
    }

    /// Removes the blob from both tiers.
    public func delete(_ digest: BlobDigest) async throws {
        try await hot.delete(digest)
        try await cold.delete(digest)
    }

    /// Every digest held by either tier, once.
    public func list() async throws -> [BlobDigest] {
        var seen = Set<BlobDigest>()
        return (try await hot.list() + cold.list()).filter { seen.insert($0).inserted }
    }

    /// The hot tier's file of the blob, only while the hot tier holds it: a demoted blob
    /// is read through ``read(_:range:)``.
    public func localPath(of digest: BlobDigest) -> String? {
        guard let path = hot.localPath(of: digest), (try? PosixPath.size(of: path)) != nil else { return nil }
        return path
    }

    /// The hot tier's file of the blob (a read of the hot tier); nil when only the cold
    /// tier holds it, which is then read through ``read(_:range:)``.
    public func openForSending(_ digest: BlobDigest) async throws -> OpenBlobFile? {
        guard let file = try await hot.openForSending(digest) else { return nil }
        onRead(.hot)
        return file
    }
}
