import Crypto
public import Foundation

/// An event's fields exactly as the chain hashes them, read back from the database (so the
/// hash covers what is stored, not what a writer meant to store).
struct ChainedFields: Sendable {
    var id: Int64
    var tenantID: UUID
    /// `occurred_at` in microseconds since 1970, as PostgreSQL keeps it.
    var occurredAtMicroseconds: Int64
    var action: String
    var subjectType: String
    var subjectID: String
    var keyID: UUID?
    var requestID: String?
    /// The stored jsonb's text, which PostgreSQL prints the same way every time.
    var details: String

    /// What ``selectList`` decodes as.
    typealias Row = (Int64, UUID, Int64, String, String, String, UUID?, String?, String)

    /// The columns a query selects to fill this, in this order, from `audit_events e`.
    static let selectList = """
        e.id, e.tenant_id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.action, e.subject_type, e.subject_id,
        e.key_id, e.request_id, e.details::text
        """
}

extension ChainedFields {
    init(_ row: Row) {
        self.init(
            id: row.0, tenantID: row.1, occurredAtMicroseconds: row.2, action: row.3, subjectType: row.4,
            subjectID: row.5, keyID: row.6, requestID: row.7, details: row.8
        )
    }
}

/// How one event links to the one before it in its tenant's chain:
/// `hash = SHA-256(previous hash ‖ sequence ‖ fields)`, each field length-prefixed so no
/// two different events can produce the same input.
enum AuditChainLink {
    /// The previous hash of a tenant's first event.
    static let genesis = [UInt8](repeating: 0, count: 32)

    static func hash(previous: [UInt8], sequence: Int64, fields: ChainedFields) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        let parts: [String?] = [
            String(sequence), String(fields.id), fields.tenantID.uuidString.lowercased(), String(fields.occurredAtMicroseconds),
            fields.action, fields.subjectType, fields.subjectID, fields.keyID?.uuidString.lowercased(), fields.requestID, fields.details,
        ]
        for part in parts {
            guard let part else {
                hasher.update(data: [0xFF, 0xFF, 0xFF, 0xFF])
                continue
            }
            let bytes = Array(part.utf8)
            let length = UInt32(bytes.count)
            hasher.update(data: [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
            hasher.update(data: bytes)
        }
        return Array(hasher.finalize())
    }
}
