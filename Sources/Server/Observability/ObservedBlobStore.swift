import Logging
import NIOCore
import Storage

/// The server's blob store, counting each read that fails its integrity check (an
/// encrypted segment changed at rest) in `grey_blob_integrity_failures_total` and logging
/// it, so a damaged store raises an alert rather than only failed downloads.
struct ObservedBlobStore: BlobStore {
    let wrapped: any BlobStore
    let metrics: HTTPMetrics
    let logger: Logger

    func put<Body: AsyncSequence & Sendable>(
        _ digest: BlobDigest, size: Int64, from body: Body, inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> BlobInfo where Body.Element == ByteBuffer {
        try await wrapped.put(digest, size: size, from: body, inspect: inspect)
    }

    func head(_ digest: BlobDigest) async throws -> BlobInfo? {
        try await observing { try await wrapped.head(digest) }
    }

    func read(_ digest: BlobDigest, range: Range<Int64>?) async throws -> BlobReadStream {
        let chunks = BlobChunks(try await observing { try await wrapped.read(digest, range: range) })
        // Pulled straight from the store's stream as the reader asks: no task, no buffer.
        return BlobReadStream {
            do {
                return try await chunks.next()
            } catch {
                record(error)
                throw error
            }
        }
    }

    func delete(_ digest: BlobDigest) async throws { try await wrapped.delete(digest) }

    func list() async throws -> [BlobDigest] { try await wrapped.list() }

    func localPath(of digest: BlobDigest) -> String? { wrapped.localPath(of: digest) }

    func openForSending(_ digest: BlobDigest) async throws -> OpenBlobFile? {
        try await observing { try await wrapped.openForSending(digest) }
    }

    private func observing<Result>(_ call: () async throws -> Result) async throws -> Result {
        do {
            return try await call()
        } catch {
            record(error)
            throw error
        }
    }

    private func record(_ error: any Error) {
        switch error as? BlobStoreError {
        case .integrity(let digest):
            metrics.recordBlobIntegrityFailure()
            logger.error("a stored blob failed its integrity check", metadata: ["sha256": "\(digest.hex)"])
        case .unknownEncryptionKey(let id):
            logger.error("a stored blob is encrypted under a key this server does not hold", metadata: ["key_id": "\(id)"])
        default:
            break
        }
    }
}

