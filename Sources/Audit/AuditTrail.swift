public import Logging
public import PostgresNIO

/// Records events on an open database transaction, so that they commit or roll back with
/// the write they describe. The ledger's batches add their events to their own statement
/// instead (see the posting batch), with the same columns.
public enum AuditTrail {
    public static func record(_ events: [AuditEvent], on connection: PostgresConnection, logger: Logger) async throws {
        let columns = AuditColumns(events)
        guard !columns.isEmpty else { return }
        try await connection.query("\(recordingAll: columns)", logger: logger)
    }

    public static func record(_ event: AuditEvent, on connection: PostgresConnection, logger: Logger) async throws {
        try await record([event], on: connection, logger: logger)
    }
}
