import NIOCore
import Storage

/// Blob files kept open for a short while after a read, as nginx's `open_file_cache`
/// does: the next read of a hot blob skips the trip to the thread pool that opens it,
/// and ``DirectReads`` can answer it on the connection without waiting for anything.
///
/// Blobs are content-addressed and never rewritten, so an open file stays right for as
/// long as it is held; a blob deleted or demoted meanwhile keeps its disk space until its
/// entry expires. Each entry holds one descriptor, so the capacity bounds them.
///
/// The bytes of small blobs (thumbnails, receipts) are held too, once asked for: their
/// answer then leaves with its head in one write instead of a write and a `sendfile(2)`.
final class OpenBlobFiles: Sendable {
    /// The largest blob whose bytes are held in memory.
    static let smallBlobLimit: Int64 = 64 << 10
    private let files: ExpiringCache<BlobDigest, OpenBlobFile>
    private let smallBlobs: ExpiringCache<BlobDigest, ByteBuffer>

    /// - Parameters:
    ///   - capacity: the most files held open.
    ///   - smallCapacity: the most small blobs held in memory (each at most ``smallBlobLimit``).
    init(capacity: Int = 1_000, smallCapacity: Int = 512, lifetime: Duration = .seconds(30)) {
        files = ExpiringCache(capacity: capacity, lifetime: lifetime)
        smallBlobs = ExpiringCache(capacity: smallCapacity, lifetime: lifetime)
    }

    /// The bytes of a small blob, held or read now from its open `file`; nil for a blob
    /// above ``smallBlobLimit`` or one that cannot be read whole.
    func smallBlob(_ digest: BlobDigest, in file: OpenBlobFile, now: ContinuousClock.Instant = .now) -> ByteBuffer? {
        guard file.size <= Self.smallBlobLimit else { return nil }
        if let bytes = smallBlobs.value(for: digest, now: now) { return bytes }
        guard let bytes = try? file.readAll() else { return nil }
        smallBlobs.insert(bytes, for: digest, now: now)
        return bytes
    }

    /// The open file of `digest` if one is held and fresh; never waits.
    func cached(_ digest: BlobDigest, now: ContinuousClock.Instant = .now) -> OpenBlobFile? {
        files.value(for: digest, now: now)
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
