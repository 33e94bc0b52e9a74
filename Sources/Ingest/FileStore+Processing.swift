public import Foundation
import PostgresNIO
public import Storage

/// The end of a file's processing: `processing` becomes `ready` or `rejected`, once.
extension FileStore {
    /// Records what the workers measured and made, and marks the file ready, in one
    /// transaction. False when the file is no longer processing (another attempt finished
    /// first); the previews are then left as that attempt stored them.
    public func markReady(tenantID: UUID, id: UUID, media: FileMedia, previews: [FilePreview]) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE files SET status = 'ready', width = \(media.width), height = \(media.height), duration_ms = \(media.durationMs),
                    pages = \(media.pages), video_codec = \(media.videoCodec), audio_codec = \(media.audioCodec),
                    sample_rate = \(media.sampleRate), channels = \(media.channels), processed_at = now(), updated_at = now()
                WHERE tenant_id = \(tenantID) AND id = \(id) AND status = 'processing'
                RETURNING 1
                """,
                logger: logger
            )
            var updated = false
            for try await _ in rows { updated = true }
            guard updated else { return false }
            for preview in previews {
                try await connection.query(
                    """
                    INSERT INTO file_previews (tenant_id, file_id, kind, width, height, content_type, size, sha256)
                    VALUES (\(tenantID), \(id), \(preview.kind.rawValue), \(preview.width), \(preview.height), \(preview.contentType),
                            \(preview.size), \(ByteBuffer(bytes: preview.sha256.bytes)))
                    """,
                    logger: logger
                )
            }
            return true
        }
    }

    /// Marks a processing file rejected with a stable code and a detail, then deletes its
    /// bytes from `blobs` unless another file or a preview still names them. False when it
    /// was not processing (nothing changes then).
    public func markRejected(tenantID: UUID, id: UUID, code: String, detail: String, deletingFrom blobs: any BlobStore) async throws -> Bool {
        guard let rejected = try await reject(tenantID: tenantID, id: id, from: .processing, code: code, detail: detail) else { return false }
        if try await !isBlobNeeded(rejected) { try await blobs.delete(rejected) }
        return true
    }

    /// Marks a file rejected if it is in `state`; its sha256 when it was, else nil.
    func reject(tenantID: UUID, id: UUID, from state: StoredFile.Status, code: String, detail: String) async throws -> BlobDigest? {
        let rows = try await client.query(
            """
            UPDATE files SET status = 'rejected', rejection_code = \(code), rejection_detail = \(String(detail.prefix(1000))),
                uploaded_at = coalesce(uploaded_at, now()), processed_at = now(), updated_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id) AND status = \(state.rawValue)
            RETURNING sha256
            """,
            logger: logger
        )
        var rejected: BlobDigest?
        for try await sha256 in rows.decode(ByteBuffer.self) { rejected = BlobDigest(bytes: Array(buffer: sha256)) }
        return rejected
    }

    /// Whether any file that is not rejected, or any preview, still names the blob: a
    /// rejected file's bytes are deleted only when nothing else needs them.
    func isBlobNeeded(_ digest: BlobDigest) async throws -> Bool {
        let bytes = ByteBuffer(bytes: digest.bytes)
        let rows = try await client.query(
            """
            SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = \(bytes) AND status <> 'rejected')
                OR EXISTS (SELECT 1 FROM file_previews WHERE sha256 = \(bytes))
            """,
            logger: logger
        )
        for try await needed in rows.decode(Bool.self) { return needed }
        return false
    }
}

extension FileStore {
    /// A file's time from the end of its upload to ready or rejected.
    public struct Settlement: Sendable {
        public let status: StoredFile.Status
        public let seconds: Double
        public let settledAt: Date
    }

    /// Files settled after `date`, oldest first, at most `limit`, across all tenants: for
    /// the operations metrics only (no tenant data leaves: a status and a duration).
    public func settled(after date: Date, limit: Int = 10_000) async throws -> [Settlement] {
        let rows = try await client.query(
            """
            SELECT status, extract(epoch FROM processed_at - uploaded_at)::float8, processed_at FROM files
            WHERE processed_at > \(date) AND uploaded_at IS NOT NULL
            ORDER BY processed_at LIMIT \(limit)
            """,
            logger: logger
        )
        var settled: [Settlement] = []
        for try await (status, seconds, settledAt) in rows.decode((String, Double, Date).self) {
            if let status = StoredFile.Status(rawValue: status) { settled.append(Settlement(status: status, seconds: seconds, settledAt: settledAt)) }
        }
        return settled
    }
}
