public import Foundation
import PostgresNIO
public import Storage

/// What the blob lifecycle reads and writes: the originals held in the hot tier, when each
/// was last used, and which blobs it moved to the cold tier. Across all tenants: a blob
/// is shared by every file with the same bytes, and nothing but digests and sizes leaves.
extension FileStore {
    /// An original the lifecycle may move to the cold tier.
    public struct DemotionCandidate: Sendable, Equatable {
        public let digest: BlobDigest
        public let size: Int64
        /// The latest read of any file with these bytes, or its upload or processing when
        /// none was read since.
        public let lastUsed: Date
    }

    /// The originals of uploaded files still in the hot tier, with their latest use.
    static let hotOriginals = """
        originals AS (
            SELECT sha256, max(size) AS size, max(greatest(last_read_at, processed_at, uploaded_at)) AS last_used,
                   max(uploaded_at) AS last_uploaded, bool_and(status = 'ready') AS settled
            FROM files WHERE status IN ('processing', 'ready')
            GROUP BY sha256
        ), hot AS (
            SELECT * FROM originals o
            WHERE NOT EXISTS (SELECT 1 FROM cold_blobs c WHERE c.sha256 = o.sha256 AND c.demoted_at > o.last_uploaded)
        ), hot_bytes AS (
            SELECT (SELECT coalesce(sum(size), 0) FROM hot)
                 + (SELECT coalesce(sum(size), 0) FROM (SELECT DISTINCT ON (sha256) sha256, size FROM file_previews) p
                    WHERE NOT EXISTS (SELECT 1 FROM hot WHERE hot.sha256 = p.sha256)) AS total
        )
        """

    /// The bytes the hot tier holds for files: originals not moved out, and every preview.
    public func hotTierBytes() async throws -> Int64 {
        let rows = try await client.query("WITH \(unescaped: Self.hotOriginals) SELECT total::bigint FROM hot_bytes", logger: logger)
        for try await total in rows.decode(Int64.self) { return total }
        return 0
    }

    /// The next originals to move to the cold tier, least recently used first: those unused
    /// since `idleBefore`, then, while the hot tier holds more than `hotCapacity` bytes,
    /// as many of the others as bring it under. Only blobs every file of which is ready,
    /// and that no preview uses (previews stay hot); never one of `excluded`.
    public func demotionCandidates(
        idleBefore cutoff: Date, hotCapacity: Int64?, excluding excluded: [BlobDigest], limit: Int
    ) async throws -> [DemotionCandidate] {
        let rows = try await client.query(
            """
            WITH \(unescaped: Self.hotOriginals), movable AS (
                SELECT h.sha256, h.size, h.last_used,
                       sum(h.size) OVER (ORDER BY h.last_used, h.sha256 ROWS UNBOUNDED PRECEDING) - h.size AS freed_before
                FROM hot h
                WHERE h.settled AND NOT EXISTS (SELECT 1 FROM file_previews p WHERE p.sha256 = h.sha256)
                  AND h.sha256 <> ALL(\(excluded.map { ByteBuffer(bytes: $0.bytes) })::bytea[])
            )
            SELECT m.sha256, m.size, m.last_used FROM movable m, hot_bytes
            WHERE m.last_used < \(cutoff)
               OR (\(hotCapacity)::bigint IS NOT NULL AND m.freed_before < hot_bytes.total - \(hotCapacity)::bigint)
            ORDER BY m.last_used, m.sha256
            LIMIT \(limit)
            """,
            logger: logger
        )
        var candidates: [DemotionCandidate] = []
        for try await (sha256, size, lastUsed) in rows.decode((ByteBuffer, Int64, Date).self) {
            if let digest = BlobDigest(bytes: Array(buffer: sha256)) {
                candidates.append(DemotionCandidate(digest: digest, size: size, lastUsed: lastUsed))
            }
        }
        return candidates
    }

    /// Records that the blob now lives in the cold tier only.
    public func recordDemotion(_ digest: BlobDigest, size: Int64) async throws {
        try await client.query(
            """
            INSERT INTO cold_blobs (sha256, size) VALUES (\(ByteBuffer(bytes: digest.bytes)), \(size))
            ON CONFLICT (sha256) DO UPDATE SET size = excluded.size, demoted_at = now()
            """,
            logger: logger
        )
    }

    /// Forgets moved blobs that no file names any more; how many.
    @discardableResult
    public func forgetDeletedColdBlobs() async throws -> Int {
        let rows = try await client.query(
            "DELETE FROM cold_blobs c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = c.sha256) RETURNING 1",
            logger: logger
        )
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
