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
}
