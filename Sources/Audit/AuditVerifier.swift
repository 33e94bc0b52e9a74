import Foundation
public import Logging
public import PostgresNIO

/// What ``AuditVerifier`` found.
public struct AuditVerification: Sendable {
    public var tenants = 0
    public var sealedEvents = 0
    /// Events recorded but not yet in a chain (not a fault: the sealer is behind).
    public var unsealedEvents = 0
    /// Each break found, in words (the first ``AuditVerifier/problemLimit``).
    public var problems: [String] = []
    public var problemCount = 0

    public var isClean: Bool { problemCount == 0 }
}

/// Walks every tenant's chain from its first event and recomputes each hash: a changed
/// field, a removed, reordered or unsealed event, or a chain that ends before its recorded
/// head all show as problems.
public struct AuditVerifier: Sendable {
    public static let problemLimit = 100

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func verify() async throws -> AuditVerification {
        var report = AuditVerification()
        func problem(_ text: String) {
            report.problemCount += 1
            if report.problems.count < Self.problemLimit { report.problems.append(text) }
        }
        var heads = try await client.withConnection { try await ChainHead.load(tenants: nil, on: $0, logger: logger) }
        var tenant: UUID?
        var expected = ChainHead(sequence: 0, hash: AuditChainLink.genesis)
        func finishTenant() {
            guard let tenant else { return }
            let head = heads.removeValue(forKey: tenant)
            if head?.sequence != expected.sequence || head?.hash != expected.hash {
                problem("tenant \(tenant): the chain ends at \(expected.sequence) but its head says \(head.map { String($0.sequence) } ?? "nothing")")
            }
        }
        let rows = try await client.query(
            """
            SELECT l.event_id, l.tenant_id, l.sequence, l.previous_hash, l.hash, \(unescaped: ChainedFields.selectList)
            FROM audit_links l LEFT JOIN audit_events e ON e.id = l.event_id
            ORDER BY l.tenant_id, l.sequence
            """,
            logger: logger
        )
        for try await row in rows.decode(
            (Int64, UUID, Int64, ByteBuffer, ByteBuffer, Int64?, UUID?, Int64?, String?, String?, String?, UUID?, String?, String?).self
        ) {
            let (eventID, linkTenant, sequence) = (row.0, row.1, row.2)
            let (previous, hash) = (Array(row.3.readableBytesView), Array(row.4.readableBytesView))
            if linkTenant != tenant {
                finishTenant()
                tenant = linkTenant
                report.tenants += 1
                expected = ChainHead(sequence: 0, hash: AuditChainLink.genesis)
            }
            report.sealedEvents += 1
            guard let id = row.5, let eventTenant = row.6, let occurredAt = row.7, let action = row.8,
                let subjectType = row.9, let subjectID = row.10, let details = row.13
            else {
                problem("tenant \(linkTenant): event \(eventID) (sequence \(sequence)) was removed after it was sealed")
                expected = ChainHead(sequence: sequence, hash: hash)
                continue
            }
            // The event's own tenant goes into the hash: a link in another tenant's chain fails it.
            let fields = ChainedFields(
                id: id, tenantID: eventTenant, occurredAtMicroseconds: occurredAt, action: action, subjectType: subjectType,
                subjectID: subjectID, keyID: row.11, requestID: row.12, details: details
            )
            if sequence != expected.sequence + 1 {
                problem("tenant \(linkTenant): event \(fields.id) has sequence \(sequence), expected \(expected.sequence + 1)")
            }
            if previous != expected.hash {
                problem("tenant \(linkTenant): event \(fields.id) (sequence \(sequence)) does not link to the event before it")
            }
            if AuditChainLink.hash(previous: previous, sequence: sequence, fields: fields) != hash {
                problem("tenant \(linkTenant): event \(fields.id) (sequence \(sequence)) was changed after it was sealed")
            }
            expected = ChainHead(sequence: sequence, hash: hash)
        }
        finishTenant()
        for (missing, head) in heads {
            problem("tenant \(missing): its head says \(head.sequence) events but none is left")
        }
        report.unsealedEvents = try await AuditLog(client: client, logger: logger).backlog().events
        return report
    }
}
