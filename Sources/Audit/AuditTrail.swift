public import Logging
public import PostgresNIO

/// Records events on an open database transaction, so that they commit or roll back with
/// the write they describe. The ledger's batches add their events to their own statement
/// instead (see the posting batch), with the same columns.
public enum AuditTrail {
    public static func record(_ events: [AuditEvent], on connection: PostgresConnection, logger: Logger) async throws {
        let columns = AuditColumns(events)
        guard !columns.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO audit_events (tenant_id, action, subject_type, subject_id, key_id, request_id, details)
            SELECT e.tenant_id, e.action, e.subject_type, e.subject_id, NULLIF(e.key_id, \(AuditColumns.noKey)),
                   NULLIF(e.request_id, ''), e.details::jsonb
            FROM unnest(
                \(columns.tenantIDs), \(columns.actions), \(columns.subjectTypes), \(columns.subjectIDs),
                \(columns.keyIDs), \(columns.requestIDs), \(columns.details)
            ) WITH ORDINALITY AS e(tenant_id, action, subject_type, subject_id, key_id, request_id, details, position)
            ORDER BY e.position
            """,
            logger: logger
        )
    }

    public static func record(_ event: AuditEvent, on connection: PostgresConnection, logger: Logger) async throws {
        try await record([event], on: connection, logger: logger)
    }
}
