import Database
import Foundation
import Logging
import PostgresNIO

/// Posts one batch of requests on one open database transaction, in a fixed number of
/// statements whatever the batch's size:
///
/// 1. look up the Idempotency-Keys (a key committed before is replayed, not run again);
/// 2. lock every account the batch touches, in one global order (by id), so that no two
///    batches can wait on each other: deadlock-free by construction;
/// 3. read the accounts' latest balances and the external references and reversals
///    already taken, in a snapshot taken after the locks are held;
/// 4. judge each request in queue order (``BatchPlanner``);
/// 5. insert the accepted transactions and their entries in one statement, which the
///    database checks again (balance chain, no negative wallet, debits equal credits);
/// 6. store each keyed request's response under its key (a key another transaction took
///    meanwhile makes the batch run again, and then replay that response).
///
/// The caller commits; only then are the results handed out.
struct BatchPoster {
    let logger: Logger

    func post(_ jobs: [PostingJob], on connection: PostgresConnection) async throws -> [Result<PostingResult, any Error>] {
        let claims = try await claimKeys(of: jobs, on: connection)
        let running = jobs.indices.filter { claims[$0].runs }
        var planner = try await makePlanner(for: running.map { jobs[$0] }, on: connection)

        var decisions: [Int: Result<PlannedTransaction, LedgerError>] = [:]
        for index in running {
            decisions[index] = planner.plan(jobs[index].request, tenantID: jobs[index].tenantID, id: Identifier.makeUUID())
        }
        let accepted = running.compactMap { index -> PlannedTransaction? in try? decisions[index]?.get() }
        let createdAt = try await insert(accepted, on: connection)

        var results = [Result<PostingResult, any Error>?](repeating: nil, count: jobs.count)
        var stored: [KeyedResponse] = []
        for index in running {
            let job = jobs[index]
            let outcome = decisions[index]!.map { planned in planned.transaction(createdAt: createdAt[planned.id] ?? Date()) }
            let response = job.idempotency.map { $0.render(outcome) }
            if let response, let idempotency = job.idempotency {
                stored.append(KeyedResponse(
                    key: ClaimKey(tenantID: job.tenantID, key: idempotency.key), fingerprint: idempotency.fingerprint, response: response
                ))
            }
            switch outcome {
            case .success(let transaction): results[index] = .success(.posted(transaction, stored: response))
            case .failure(let error): results[index] = .success(.rejected(error, stored: response))
            }
        }
        try await store(stored, on: connection)
        return answerFollowers(jobs, claims: claims, results: results, stored: Dictionary(stored.map { ($0.key, $0.response) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Requests that repeat a key of an earlier request in the same batch get that
    /// request's response, as they would had they come just after it.
    private func answerFollowers(
        _ jobs: [PostingJob], claims: [KeyClaim], results: [Result<PostingResult, any Error>?],
        stored: [ClaimKey: StoredResponse]
    ) -> [Result<PostingResult, any Error>] {
        jobs.indices.map { index in
            switch claims[index] {
            case .unkeyed, .claimed:
                return results[index]!
            case .replay(let response):
                return .success(.replayed(response))
            case .refused(let error):
                return .failure(error)
            case .follows(let leader):
                let leaderJob = jobs[leader]
                guard leaderJob.idempotency?.fingerprint == jobs[index].idempotency?.fingerprint else {
                    return .failure(LedgerError.idempotencyKeyReused)
                }
                if case .replay(let response) = claims[leader] { return .success(.replayed(response)) }
                if case .refused(let error) = claims[leader] { return .failure(error) }
                let key = ClaimKey(tenantID: leaderJob.tenantID, key: leaderJob.idempotency!.key)
                guard let response = stored[key] else { return .failure(LedgerError.idempotencyKeyReused) }
                return .success(.replayed(response))
            }
        }
    }

    /// Inserts the accepted transactions and their entries; returns each one's creation time.
    private func insert(_ transactions: [PlannedTransaction], on connection: PostgresConnection) async throws -> [UUID: Date] {
        guard !transactions.isEmpty else { return [:] }
        let noReversal = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let lines = transactions.flatMap { transaction in transaction.entries.enumerated().map { (transaction, $0.element, $0.offset + 1) } }
        // One statement: the transactions, then all their entries, which the database
        // checks together when the statement ends (chain and balance).
        let rows = try await connection.query(
            """
            WITH added AS (
                INSERT INTO transactions (tenant_id, id, type, currency, amount, memo, external_ref, reverses_id)
                SELECT t.tenant_id, t.id, t.type, t.currency, t.amount, NULLIF(t.memo, ''), NULLIF(t.external_ref, ''), NULLIF(t.reverses_id, \(noReversal))
                FROM unnest(
                    \(transactions.map(\.tenantID)), \(transactions.map(\.id)), \(transactions.map(\.request.type.rawValue)),
                    \(transactions.map(\.request.currency.code)), \(transactions.map(\.amount.minorUnits)),
                    \(transactions.map { $0.request.memo ?? "" }), \(transactions.map { $0.request.externalRef ?? "" }),
                    \(transactions.map { $0.request.reversesID ?? noReversal })
                ) WITH ORDINALITY AS t(tenant_id, id, type, currency, amount, memo, external_ref, reverses_id, position)
                ORDER BY t.position
                RETURNING id, created_at
            ), posted AS (
                INSERT INTO entries (tenant_id, account_id, sequence, transaction_id, line, direction, amount, currency, balance_after, allow_negative)
                SELECT e.tenant_id, e.account_id, e.sequence, e.transaction_id, e.line, e.direction, e.amount, e.currency, e.balance_after, e.allow_negative
                FROM unnest(
                    \(lines.map(\.0.tenantID)), \(lines.map(\.1.posting.accountID)), \(lines.map(\.1.sequence)),
                    \(lines.map(\.0.id)), \(lines.map { Int64($0.2) }), \(lines.map(\.1.posting.direction.rawValue)), \(lines.map(\.1.posting.amount.minorUnits)),
                    \(lines.map(\.0.request.currency.code)), \(lines.map(\.1.balanceAfter)), \(lines.map(\.1.allowsNegative))
                ) WITH ORDINALITY AS e(tenant_id, account_id, sequence, transaction_id, line, direction, amount, currency, balance_after, allow_negative, position)
                ORDER BY e.position
            )
            SELECT id, created_at FROM added
            """,
            logger: logger
        )
        var createdAt: [UUID: Date] = [:]
        for try await (id, date) in rows.decode((UUID, Date).self) { createdAt[id] = date }
        return createdAt
    }
}

extension PlannedTransaction {
    func transaction(createdAt: Date) -> LedgerTransaction {
        LedgerTransaction(
            id: id, type: request.type, currency: request.currency, amount: amount, memo: request.memo,
            externalRef: request.externalRef, reversesID: request.reversesID, createdAt: createdAt,
            entries: entries.map { entry in
                PostedEntry(
                    accountID: entry.posting.accountID, walletID: entry.isWallet ? entry.posting.accountID : nil,
                    direction: entry.posting.direction, amount: entry.posting.amount, balanceAfter: entry.balanceAfter
                )
            }
        )
    }
}
