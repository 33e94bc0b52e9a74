import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Links committed events into their tenant's chain (see migrations 0010 and 0014), in
/// batches, every ``pollInterval`` (a second by default). It appends a row to
/// `audit_links` per event and never rewrites the event. It takes events in the order of
/// the transactions that wrote them, and only those whose writer had ended when it looked,
/// so none can commit behind the point it has reached (`audit_sealer_position`).
///
/// It polls rather than listening for a NOTIFY: PostgreSQL serialises the commits of
/// notifying transactions on one lock, which every posting batch would then take
/// (migration 0011). One sealer works at a time across every Grey process: a batch runs
/// under a transaction-level advisory lock, so two never extend a chain at once.
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
                    _ = try await sealPending(waitingForOthers: false, patience: .zero)
                } catch {
                    logger.warning("sealing audit events failed; retrying at the next round", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Seals every event committed before the call and returns how many it sealed. An event
    /// waits behind every writer that began before it (see the type's notes), so this waits
    /// up to `patience` for writers still open at the call to end. When another process is
    /// sealing, returns 0 at once, or waits its turn when `waitingForOthers` (as
    /// `grey audit verify` does).
    @discardableResult
    public func sealPending(waitingForOthers: Bool = true, patience: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + patience
        // Without patience there is nothing to wait for, so no need to know whom.
        let horizon = patience > .zero ? try await nextTransactionID() : nil
        var total = 0
        while true {
            let (sealed, caughtUp) = try await sealBatch(waitingForOthers: waitingForOthers, horizon: horizon)
            total += sealed
            if sealed == Self.batchSize { continue }
            if caughtUp || ContinuousClock.now >= deadline { return total }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The first transaction id not yet given out: every writer that committed before now
    /// has a lower one.
    private func nextTransactionID() async throws -> String {
        let rows = try await client.query("SELECT pg_snapshot_xmax(pg_current_snapshot())::text", logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return "0"  // no row (never so): wait for no one
    }

    /// Seals up to ``batchSize`` events. `caughtUp` when every writer below `horizon` had
    /// ended before the events were read, so that every event they wrote is now sealed
    /// (always, without a horizon).
    private func sealBatch(waitingForOthers: Bool, horizon: String?) async throws -> (sealed: Int, caughtUp: Bool) {
        try await client.withTransaction(logger: logger) { connection in
            if waitingForOthers {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            } else {
                let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                var locked = false
                for try await value in rows.decode(Bool.self) { locked = value }
                guard locked else { return (0, true) }
            }
            var caughtUp = true
            if let horizon {
                let rows = try await connection.query(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= \(horizon)::xid8", logger: logger
                )
                for try await value in rows.decode(Bool.self) { caughtUp = value }
            }
            let pending = try await pendingEvents(on: connection)
            guard !pending.isEmpty else { return (0, caughtUp) }
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
                INSERT INTO audit_links (event_id, tenant_id, sequence, previous_hash, hash)
                SELECT * FROM unnest(\(ids), \(pending.map(\.tenantID)), \(sequences), \(previous), \(hashes))
                """,
                logger: logger
            )
            try await connection.query(
                """
                UPDATE audit_sealer_position p SET writer_xid = e.writer_xid, event_id = e.id
                FROM audit_events e WHERE e.id = \(ids.last!)
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
            return (pending.count, caughtUp)
        }
    }

    /// The next events to seal, in the order of their writers: after the position, and
    /// written by transactions that had ended when this statement's snapshot was taken (so
    /// each is committed and visible, or never will be).
    private func pendingEvents(on connection: PostgresConnection) async throws -> [ChainedFields] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: ChainedFields.selectList) FROM audit_events e
            WHERE (e.writer_xid, e.id) > (SELECT writer_xid, event_id FROM audit_sealer_position)
              AND e.writer_xid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.writer_xid, e.id LIMIT \(Self.batchSize)
            """,
            logger: logger
        )
        var events: [ChainedFields] = []
        for try await row in rows.decode(ChainedFields.Row.self) {
            events.append(ChainedFields(row))
        }
        return events
    }
}
