import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Links committed events into their tenant's chain (see migration 0010), in batches,
/// every ``pollInterval`` (a second by default). It polls rather than listening for a
/// NOTIFY: PostgreSQL serialises the commits of notifying transactions on one lock, which
/// every posting batch would then take (migration 0011). One sealer works at a time across
/// every Grey process: a batch runs under a transaction-level advisory lock, so two never
/// extend a chain at once.
public struct AuditSealer: Service {
    /// The advisory lock that makes sealing single-file ("audit" in ASCII).
    static let lockKey: Int64 = 0x6175_6469_74
    /// The most events sealed in one transaction.
    static let batchSize = 1_000

    let client: PostgresClient
    let logger: Logger
    let pollInterval: Duration

    public init(client: PostgresClient, logger: Logger, pollInterval: Duration = .seconds(1)) {
        self.client = client
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await sealPending(waitingForOthers: false)
                } catch {
                    logger.warning("sealing audit events failed; retrying at the next round", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Seals every committed event not yet in a chain and returns how many it sealed.
    /// When another process is sealing, returns 0 at once, or waits its turn when
    /// `waitingForOthers` (as `grey audit verify` does).
    @discardableResult
    public func sealPending(waitingForOthers: Bool = true) async throws -> Int {
        var total = 0
        while true {
            let sealed = try await sealBatch(waitingForOthers: waitingForOthers)
            total += sealed
            if sealed < Self.batchSize { return total }
        }
    }

    private func sealBatch(waitingForOthers: Bool) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            if waitingForOthers {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            } else {
                let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                var locked = false
                for try await value in rows.decode(Bool.self) { locked = value }
                guard locked else { return 0 }
            }
            let pending = try await pendingEvents(on: connection)
            guard !pending.isEmpty else { return 0 }
            var heads = try await ChainHead.load(tenants: Array(Set(pending.map(\.tenantID))), on: connection, logger: logger)
            var ids: [Int64] = [], sequences: [Int64] = [], previous: [ByteBuffer] = [], hashes: [ByteBuffer] = []
            for fields in pending {
                let head = heads[fields.tenantID] ?? ChainHead(sequence: 0, hash: AuditChainLink.genesis)
                let sequence = head.sequence + 1
                let hash = AuditChainLink.hash(previous: head.hash, sequence: sequence, fields: fields)
                ids.append(fields.id)
                sequences.append(sequence)
                previous.append(ByteBuffer(bytes: head.hash))
                hashes.append(ByteBuffer(bytes: hash))
                heads[fields.tenantID] = ChainHead(sequence: sequence, hash: hash)
            }
            try await connection.query(
                """
                UPDATE audit_events a SET sequence = s.sequence, previous_hash = s.previous_hash, hash = s.hash
                FROM unnest(\(ids), \(sequences), \(previous), \(hashes)) AS s(id, sequence, previous_hash, hash)
                WHERE a.id = s.id
                """,
                logger: logger
            )
            let tenants = Array(heads.keys)
            try await connection.query(
                """
                INSERT INTO audit_chain_heads (tenant_id, sequence, hash)
                SELECT * FROM unnest(\(tenants), \(tenants.map { heads[$0]!.sequence }), \(tenants.map { ByteBuffer(bytes: heads[$0]!.hash) }))
                ON CONFLICT (tenant_id) DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash
                """,
                logger: logger
            )
            return pending.count
        }
    }

    /// The oldest committed unsealed events, oldest first.
    private func pendingEvents(on connection: PostgresConnection) async throws -> [ChainedFields] {
        let rows = try await connection.query(
            "SELECT \(unescaped: ChainedFields.selectList) FROM audit_events WHERE sequence IS NULL ORDER BY id LIMIT \(Self.batchSize)",
            logger: logger
        )
        var events: [ChainedFields] = []
        for try await row in rows.decode((Int64, UUID, Int64, String, String, String, UUID?, String?, String).self) {
            events.append(ChainedFields(
                id: row.0, tenantID: row.1, occurredAtMicroseconds: row.2, action: row.3, subjectType: row.4,
                subjectID: row.5, keyID: row.6, requestID: row.7, details: row.8
            ))
        }
        return events
    }
}
