import Foundation
import PostgresNIO

extension BatchPoster {
    /// Locks every account the jobs touch, in id order, then reads what the planner needs
    /// in a fresh snapshot (READ COMMITTED takes one per statement): the accounts' latest
    /// balances and the external references and reversals already committed.
    func makePlanner(for jobs: [PostingJob], on connection: PostgresConnection) async throws -> BatchPlanner {
        var seen = Set<AccountKey>()
        let keys = jobs.flatMap { job in job.request.accountIDs.map { AccountKey(tenantID: job.tenantID, accountID: $0) } }
            .filter { seen.insert($0).inserted }
        guard !keys.isEmpty else { return BatchPlanner(accounts: [:], externalRefs: [:], reversals: [:]) }

        let locked = try await connection.query(
            """
            SELECT a.id FROM accounts a
            JOIN unnest(\(keys.map(\.tenantID)), \(keys.map(\.accountID))) AS l(tenant_id, id)
              ON a.tenant_id = l.tenant_id AND a.id = l.id
            ORDER BY a.id
            FOR UPDATE OF a
            """,
            logger: logger
        )
        for try await _ in locked {}
        return BatchPlanner(
            accounts: try await accountStates(keys, on: connection),
            externalRefs: try await takenExternalRefs(jobs, on: connection),
            reversals: try await takenReversals(jobs, on: connection)
        )
    }

    private func accountStates(_ keys: [AccountKey], on connection: PostgresConnection) async throws -> [AccountKey: AccountState] {
        let rows = try await connection.query(
            """
            SELECT a.tenant_id, a.id, a.type, a.currency, a.allow_negative, w.status,
                   coalesce(h.sequence, 0), coalesce(h.balance_after, 0)
            FROM accounts a
            JOIN unnest(\(keys.map(\.tenantID)), \(keys.map(\.accountID))) AS l(tenant_id, id)
              ON a.tenant_id = l.tenant_id AND a.id = l.id
            LEFT JOIN wallets w ON w.tenant_id = a.tenant_id AND w.id = a.id
            LEFT JOIN LATERAL (
                SELECT sequence, balance_after FROM entries e
                WHERE e.tenant_id = a.tenant_id AND e.account_id = a.id
                ORDER BY sequence DESC LIMIT 1
            ) h ON true
            """,
            logger: logger
        )
        var states: [AccountKey: AccountState] = [:]
        for try await (tenantID, id, type, currency, allowsNegative, status, sequence, balance) in rows.decode(
            (UUID, UUID, String, String, Bool, String?, Int64, Int64).self
        ) {
            guard let type = AccountType(rawValue: type) else { continue }
            states[AccountKey(tenantID: tenantID, accountID: id)] = AccountState(
                type: type, currency: currency, allowsNegative: allowsNegative, isWallet: status != nil,
                isFrozen: status == "frozen", sequence: sequence, balance: balance
            )
        }
        return states
    }

    private func takenExternalRefs(_ jobs: [PostingJob], on connection: PostgresConnection) async throws -> [BatchPlanner.ExternalRefKey: UUID] {
        let wanted = jobs.compactMap { job in job.request.externalRef.map { (job.tenantID, $0) } }
        guard !wanted.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT t.tenant_id, t.external_ref, t.id FROM transactions t
            JOIN unnest(\(wanted.map(\.0)), \(wanted.map(\.1))) AS r(tenant_id, ref)
              ON t.tenant_id = r.tenant_id AND t.external_ref = r.ref
            """,
            logger: logger
        )
        var taken: [BatchPlanner.ExternalRefKey: UUID] = [:]
        for try await (tenantID, ref, id) in rows.decode((UUID, String, UUID).self) {
            taken[BatchPlanner.ExternalRefKey(tenantID: tenantID, ref: ref)] = id
        }
        return taken
    }

    private func takenReversals(_ jobs: [PostingJob], on connection: PostgresConnection) async throws -> [AccountKey: UUID] {
        let wanted = jobs.compactMap { job in job.request.reversesID.map { (job.tenantID, $0) } }
        guard !wanted.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT t.tenant_id, t.reverses_id, t.id FROM transactions t
            JOIN unnest(\(wanted.map(\.0)), \(wanted.map(\.1))) AS r(tenant_id, id)
              ON t.tenant_id = r.tenant_id AND t.reverses_id = r.id
            """,
            logger: logger
        )
        var taken: [AccountKey: UUID] = [:]
        for try await (tenantID, original, id) in rows.decode((UUID, UUID, UUID).self) {
            taken[AccountKey(tenantID: tenantID, accountID: original)] = id
        }
        return taken
    }
}
