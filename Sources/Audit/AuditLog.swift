import Database
public import Foundation
public import Logging
public import PostgresNIO

/// A recorded event as `GET /v1/audit` lists it.
public struct AuditRecord: Sendable {
    public var id: Int64
    public var occurredAt: Date
    public var event: AuditEvent
    /// Nil until the event is sealed into its tenant's chain.
    public var sequence: Int64?
    public var previousHash: [UInt8]?
    public var hash: [UInt8]?
}

/// Reads a tenant's audit log, newest first.
public struct AuditLog: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Up to `limit` events of the tenant older than `cursor`, and the cursor of the next
    /// page (nil at the end). Throws ``AuditCursorError`` for a cursor this list did not make.
    public func events(tenantID: UUID, limit: Int, cursor: String?) async throws -> (records: [AuditRecord], nextCursor: String?) {
        let before = try cursor.map(Self.decodeCursor) ?? Int64.max
        let rows = try await client.query(
            """
            SELECT e.id, e.occurred_at, e.action, e.subject_type, e.subject_id, e.key_id, e.request_id, e.details::text,
                l.sequence, l.previous_hash, l.hash
            FROM audit_events e LEFT JOIN audit_links l ON l.event_id = e.id AND l.tenant_id = e.tenant_id
            WHERE e.tenant_id = \(tenantID) AND e.id < \(before)
            ORDER BY e.id DESC LIMIT \(limit + 1)
            """,
            logger: logger
        )
        var records: [AuditRecord] = []
        for try await row in rows.decode((Int64, Date, String, String, String, UUID?, String?, String, Int64?, ByteBuffer?, ByteBuffer?).self) {
            let details = (try? JSONDecoder().decode([String: String].self, from: Data(row.7.utf8))) ?? [:]
            records.append(AuditRecord(
                id: row.0, occurredAt: row.1,
                event: AuditEvent(
                    tenantID: tenantID, action: row.2, subjectType: row.3, subjectID: row.4,
                    actor: AuditActor(keyID: row.5, requestID: row.6), details: details
                ),
                sequence: row.8, previousHash: row.9.map { Array($0.readableBytesView) }, hash: row.10.map { Array($0.readableBytesView) }
            ))
        }
        guard records.count > limit else { return (records, nil) }
        records.removeLast()
        return (records, Base64URL.encode("a:\(records.last!.id)".utf8))
    }

    /// How many recorded events wait for the sealer, and the age of the oldest in seconds
    /// (0 when none): for the operations metrics.
    public func backlog() async throws -> (events: Int, oldestSeconds: Double) {
        // Behind the sealer's position: committed and waiting, or held back by a writer
        // still open (see ``AuditSealer``).
        let rows = try await client.query(
            """
            SELECT count(*), coalesce(extract(epoch FROM now() - min(e.occurred_at))::float8, 0)
            FROM audit_events e
            WHERE (e.writer_xid, e.id) > (SELECT writer_xid, event_id FROM audit_sealer_position)
            """,
            logger: logger
        )
        for try await (count, seconds) in rows.decode((Int, Double).self) { return (count, max(0, seconds)) }
        return (0, 0)
    }

    static func decodeCursor(_ text: String) throws(AuditCursorError) -> Int64 {
        guard text.utf8.count <= 64, let bytes = Base64URL.decode(text), let decoded = String(validating: bytes, as: UTF8.self),
            decoded.hasPrefix("a:"), let id = Int64(decoded.dropFirst(2)), id > 0
        else { throw AuditCursorError() }
        return id
    }
}

/// A `cursor` that no audit page returned.
public struct AuditCursorError: Error, Sendable {}
