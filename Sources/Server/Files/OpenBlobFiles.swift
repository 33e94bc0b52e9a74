import Storage

/// Blob files kept open for a short while after a read, as nginx's `open_file_cache`
/// does: the next read of a hot blob skips the trip to the thread pool that opens it,
/// and ``DirectReads`` can answer it on the connection without waiting for anything.
///
/// Blobs are content-addressed and never rewritten, so an open file stays right for as
/// long as it is held; a blob deleted or demoted meanwhile keeps its disk space until its
/// entry expires. Each entry holds one descriptor, so the capacity bounds them.
final class OpenBlobFiles: Sendable {
    private let files: ExpiringCache<BlobDigest, OpenBlobFile>

    init(capacity: Int = 1_000, lifetime: Duration = .seconds(30)) {
        files = ExpiringCache(capacity: capacity, lifetime: lifetime)
    }

    /// The open file of `digest` if one is held and fresh; never waits.
    func cached(_ digest: BlobDigest) -> OpenBlobFile? {
        files.value(for: digest)
    }

    /// The held file of `digest`, or what `open` opens (then held); nil when `open` finds
    /// no plain local file, which is not remembered.
    func file(_ digest: BlobDigest, open: () async throws -> OpenBlobFile?) async throws -> OpenBlobFile? {
        if let file = files.value(for: digest) { return file }
        guard let file = try await open() else { return nil }
        files.insert(file, for: digest)
        return file
    }

    /// How many files are held open.
    var count: Int { files.count }
}
