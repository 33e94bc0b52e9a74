import Database
public import PostgresNIO

extension PostgresQuery.StringInterpolation {
    /// `INSERT INTO audit_events (...) SELECT <the event's values>` with every value bound,
    /// for a write that records its event in its own statement (`WITH written AS (...),
    /// audited AS (\(recording: event) FROM written) ...`): the caller may append a `FROM`
    /// or `WHERE` so that the event is recorded only when the write happened.
    public mutating func appendInterpolation(recording event: AuditEvent) {
        let columns = AuditColumns([event])
        appendLiteral("INSERT INTO audit_events (tenant_id, action, subject_type, subject_id, key_id, request_id, details) SELECT ")
        appendInterpolation(event.tenantID)
        appendLiteral("::uuid, ")
        appendInterpolation(event.action)
        appendLiteral("::text, ")
        appendInterpolation(event.subjectType)
        appendLiteral("::text, ")
        appendInterpolation(event.subjectID)
        appendLiteral("::text, ")
        appendInterpolation(event.actor.keyID)
        appendLiteral("::uuid, ")
        appendInterpolation(event.actor.requestID)
        appendLiteral("::text, ")
        appendInterpolation(columns.details[0])
        appendLiteral("::jsonb")
    }

    /// `INSERT INTO audit_events (...) SELECT ... FROM unnest(...)` for many events in one
    /// statement, each array bound once (the posting batch's `WITH` and ``AuditTrail``).
    public mutating func appendInterpolation(recordingAll columns: AuditColumns) {
        appendLiteral("""
            INSERT INTO audit_events (tenant_id, action, subject_type, subject_id, key_id, request_id, details)
            SELECT e.tenant_id, e.action, e.subject_type, e.subject_id, NULLIF(e.key_id, 
            """)
        appendInterpolation(AuditColumns.noKey)
        appendLiteral("), NULLIF(e.request_id, ''), e.details::jsonb FROM unnest(")
        appendInterpolation(ArrayParameter(columns.tenantIDs))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.actions))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.subjectTypes))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.subjectIDs))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.keyIDs))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.requestIDs))
        appendLiteral(", ")
        appendInterpolation(ArrayParameter(columns.details))
        appendLiteral("""
            ) WITH ORDINALITY AS e(tenant_id, action, subject_type, subject_id, key_id, request_id, details, position)
            ORDER BY e.position
            """)
    }
}
