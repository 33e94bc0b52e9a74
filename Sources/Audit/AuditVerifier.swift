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
            SELECT \(unescaped: ChainedFields.selectList), sequence, previous_hash, hash
            FROM audit_events WHERE sequence IS NOT NULL ORDER BY tenant_id, sequence
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, UUID, Int64, String, String, String, UUID?, String?, String, Int64, ByteBuffer, ByteBuffer).self) {
            let fields = ChainedFields(
                id: row.0, tenantID: row.1, occurredAtMicroseconds: row.2, action: row.3, subjectType: row.4,
                subjectID: row.5, keyID: row.6, requestID: row.7, details: row.8
            )
            let (sequence, previous, hash) = (row.9, Array(row.10.readableBytesView), Array(row.11.readableBytesView))
            if fields.tenantID != tenant {
                finishTenant()
                tenant = fields.tenantID
                report.tenants += 1
                expected = ChainHead(sequence: 0, hash: AuditChainLink.genesis)
            }
            report.sealedEvents += 1
            if sequence != expected.sequence + 1 {
                problem("tenant \(fields.tenantID): event \(fields.id) has sequence \(sequence), expected \(expected.sequence + 1)")
            }
            if previous != expected.hash {
                problem("tenant \(fields.tenantID): event \(fields.id) (sequence \(sequence)) does not link to the event before it")
            }
            if AuditChainLink.hash(previous: previous, sequence: sequence, fields: fields) != hash {
                problem("tenant \(fields.tenantID): event \(fields.id) (sequence \(sequence)) was changed after it was sealed")
            }
            expected = ChainHead(sequence: sequence, hash: hash)
        }
        finishTenant()
        for (missing, head) in heads {
            problem("tenant \(missing): its head says \(head.sequence) events but none is left")
        }
        report.unsealedEvents = try await unsealedCount()
        return report
    }

    private func unsealedCount() async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM audit_events WHERE sequence IS NULL", logger: logger)
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return count
    }
}
