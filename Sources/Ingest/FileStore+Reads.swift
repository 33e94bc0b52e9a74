public import Foundation
import PostgresNIO

extension FileStore {
    /// Notes that the tenant's ready file was read through the origin, at most once an
    /// hour (the blob lifecycle keeps recently read originals hot). False when nothing
    /// changed: noted within the hour, or no such ready file.
    @discardableResult
    public func recordRead(tenantID: UUID, id: UUID) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE files SET last_read_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id) AND status = 'ready'
              AND (last_read_at IS NULL OR last_read_at < now() - interval '1 hour')
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }
}
