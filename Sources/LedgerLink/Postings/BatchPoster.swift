import Audit
import Database
import Foundation
import Logging
import PostgresNIO

/// Posts one batch of requests on one open database transaction, in two statements
/// whatever the batch's size (the locked path; ``postOptimistically(_:cached:createdAt:on:)``
/// is the path without a read):
///
/// 1. read (``read(_:on:)``): look up the Idempotency-Keys, lock every account the batch
///    touches in one global order (by id), so that no two batches can wait on each other
///    (deadlock-free by construction), then read the accounts' latest balances and the
///    external references and reversals already taken, after the locks are held;
/// 2. judge each request in queue order (``BatchPlanner``): a committed key is replayed,
///    not run again;
/// 3. write (``write(_:as:createdAt:on:)``): the accepted transactions, their entries,
///    which the database checks again (balance chain, no negative wallet, no frozen wallet,
///    debits equal credits), and each keyed request's response under its key. A key
///    another transaction took meanwhile makes the batch run again, and then replay that
///    response.
///
/// The caller commits; only then are the results handed out.
struct BatchPoster {
    let logger: Logger

    func post(_ jobs: [PostingJob], on connection: PostgresConnection) async throws -> PostedBatch {
        let snapshot = try await read(jobs, on: connection)
        let claims = claimKeys(of: jobs, stored: snapshot.storedKeys)
        let planner = BatchPlanner(accounts: snapshot.accounts, externalRefs: snapshot.externalRefs, reversals: snapshot.reversals)
        let plan = plan(jobs, claims: claims, with: planner, createdAt: snapshot.lockedAt)
        try await write(plan, as: BatchWrite.self, createdAt: snapshot.lockedAtMicroseconds, on: connection)
        return PostedBatch(results: answerFollowers(jobs, plan: plan), accounts: plan.accounts, createdAtMicroseconds: snapshot.lockedAtMicroseconds)
    }

    /// Judges the jobs whose keys let them run, in queue order, and renders each outcome.
    func plan(_ jobs: [PostingJob], claims: [KeyClaim], with planner: BatchPlanner, createdAt: Date) -> BatchPlan {
        var planner = planner
        var plan = BatchPlan(claims: claims, results: Array(repeating: nil, count: jobs.count))
        var audited: [AuditEvent] = []
        for index in jobs.indices where claims[index].runs {
            let job = jobs[index]
            let decision = planner.plan(job.request, tenantID: job.tenantID, id: Identifier.makeUUID())
            switch decision {
            case .success(let planned):
                plan.accepted.append(planned)
                audited.append(planned.auditEvent(actor: job.actor))
            case .failure:
                plan.refusesAny = true
            }
            let outcome = decision.map { $0.transaction(createdAt: createdAt) }
            let response = job.idempotency.map { $0.render(outcome) }
            if let response, let idempotency = job.idempotency {
                plan.responses.append(KeyedResponse(
                    key: ClaimKey(tenantID: job.tenantID, key: idempotency.key), fingerprint: idempotency.fingerprint, response: response
                ))
            }
            switch outcome {
            case .success(let transaction): plan.results[index] = .success(.posted(transaction, stored: response))
            case .failure(let error): plan.results[index] = .success(.rejected(error, stored: response))
            }
        }
        plan.audit = AuditColumns(audited)
        plan.accounts = planner.accounts
        return plan
    }

    /// Requests that repeat a key of an earlier request in the same batch get that
    /// request's response, as they would had they come just after it.
    func answerFollowers(_ jobs: [PostingJob], plan: BatchPlan) -> [Result<PostingResult, any Error>] {
        let claims = plan.claims, results = plan.results
        let stored = Dictionary(plan.responses.map { ($0.key, $0.response) }, uniquingKeysWith: { first, _ in first })
        return jobs.indices.map { index in
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

    /// Inserts the accepted transactions, their entries, their audit events and the keyed
    /// responses in one statement. Keys go in key order, so two batches never wait on each
    /// other's keys in opposite orders (and on the locked path every account lock is
    /// already held, so a batch holding keys never waits for accounts).
    func write<Statement: BatchWriteStatement>(
        _ plan: BatchPlan, as statement: Statement.Type, createdAt microseconds: Int64, on connection: PostgresConnection
    ) async throws {
        guard !plan.accepted.isEmpty || !plan.responses.isEmpty else { return }
        let rows = try await connection.run(
            Statement.query(plan.accepted, responses: plan.responses, audit: plan.audit, createdAt: microseconds),
            as: Statement.self, logger: logger
        )
        for try await row in rows where try row.decode(Int.self) != plan.responses.count {
            throw ConcurrentWriteConflict("an Idempotency-Key of this batch was committed by another transaction meanwhile")
        }
    }
}

/// What a batch decided before it writes: the rows to insert and each job's result.
struct BatchPlan {
    var claims: [KeyClaim]
    /// Each job's result; nil for a job that follows another's key (see ``BatchPoster/answerFollowers(_:plan:)``).
    var results: [Result<PostingResult, any Error>?]
    var accepted: [PlannedTransaction] = []
    var responses: [KeyedResponse] = []
    var audit = AuditColumns([])
    /// The accounts as they stand once the accepted transactions are posted.
    var accounts: [AccountKey: AccountState] = [:]
    /// Whether any request was refused (insufficient funds, a frozen wallet, ...).
    var refusesAny = false
}

/// A batch posted and committed: each job's result, and its accounts as they now stand.
struct PostedBatch {
    var results: [Result<PostingResult, any Error>]
    var accounts: [AccountKey: AccountState]
    /// When the batch's transactions were created, in microseconds since 1970.
    var createdAtMicroseconds: Int64
}

/// A batch's one writing statement (see ``BatchPoster``), prepared once per connection.
/// Its variants differ only in what a key already stored does.
protocol BatchWriteStatement: ReusedStatement {
    /// Whether a key already stored is skipped (and counted, see ``BatchPoster/write(_:as:createdAt:on:)``)
    /// rather than failing the statement.
    static var skipsStoredKeys: Bool { get }
}

/// The locked path's write: a key stored meanwhile is skipped, and the batch runs again.
enum BatchWrite: BatchWriteStatement {
    static let name = "grey_ledger_batch_write"
    static let skipsStoredKeys = true
    static let sql = query([], responses: [], audit: AuditColumns([]), createdAt: 0).sql
}

/// The optimistic path's write, committed on its own: any key stored before fails it.
enum OptimisticBatchWrite: BatchWriteStatement {
    static let name = "grey_ledger_batch_write_optimistic"
    static let skipsStoredKeys = false
    static let sql = query([], responses: [], audit: AuditColumns([]), createdAt: 0).sql
}

extension BatchWriteStatement {
    /// The statement for these rows: its text is the same for every batch.
    static func query(_ transactions: [PlannedTransaction], responses: [KeyedResponse], audit: AuditColumns, createdAt microseconds: Int64) -> PostgresQuery {
        let noReversal = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let lines = transactions.flatMap { transaction in transaction.entries.enumerated().map { (transaction, $0.element, $0.offset + 1) } }
        // The entries are checked together when the statement ends (chain and balance).
        return """
            WITH moment AS (
                SELECT timestamptz 'epoch' + \(microseconds) * interval '1 microsecond' AS at
            ), added AS (
                INSERT INTO transactions (tenant_id, id, type, currency, amount, memo, external_ref, reverses_id, created_at)
                SELECT t.tenant_id, t.id, t.type, t.currency, t.amount, NULLIF(t.memo, ''), NULLIF(t.external_ref, ''),
                       NULLIF(t.reverses_id, \(noReversal)), moment.at
                FROM unnest(
                    \(ArrayParameter(transactions.map(\.tenantID))), \(ArrayParameter(transactions.map(\.id))), \(ArrayParameter(transactions.map(\.request.type.rawValue))),
                    \(ArrayParameter(transactions.map(\.request.currency.code))), \(ArrayParameter(transactions.map(\.amount.minorUnits))),
                    \(ArrayParameter(transactions.map { $0.request.memo ?? "" })), \(ArrayParameter(transactions.map { $0.request.externalRef ?? "" })),
                    \(ArrayParameter(transactions.map { $0.request.reversesID ?? noReversal }))
                ) WITH ORDINALITY AS t(tenant_id, id, type, currency, amount, memo, external_ref, reverses_id, position)
                CROSS JOIN moment
                ORDER BY t.position
            ), posted AS (
                INSERT INTO entries (tenant_id, account_id, sequence, transaction_id, line, direction, amount, currency, balance_after, allow_negative, created_at)
                SELECT e.tenant_id, e.account_id, e.sequence, e.transaction_id, e.line, e.direction, e.amount, e.currency, e.balance_after, e.allow_negative, moment.at
                FROM unnest(
                    \(ArrayParameter(lines.map(\.0.tenantID))), \(ArrayParameter(lines.map(\.1.posting.accountID))), \(ArrayParameter(lines.map(\.1.sequence))),
                    \(ArrayParameter(lines.map(\.0.id))), \(ArrayParameter(lines.map { Int64($0.2) })), \(ArrayParameter(lines.map(\.1.posting.direction.rawValue))), \(ArrayParameter(lines.map(\.1.posting.amount.minorUnits))),
                    \(ArrayParameter(lines.map(\.0.request.currency.code))), \(ArrayParameter(lines.map(\.1.balanceAfter))), \(ArrayParameter(lines.map(\.1.allowsNegative)))
                ) WITH ORDINALITY AS e(tenant_id, account_id, sequence, transaction_id, line, direction, amount, currency, balance_after, allow_negative, position)
                CROSS JOIN moment
                ORDER BY e.position
            ), audited AS (
                \(recordingAll: audit)
            ), stored AS (
                INSERT INTO idempotency_keys (tenant_id, key, request_sha256, status, response_body)
                SELECT u.tenant_id, u.key, u.digest, u.status, u.body
                FROM unnest(
                    \(ArrayParameter(responses.map(\.key.tenantID))), \(ArrayParameter(responses.map(\.key.key))), \(ArrayParameter(responses.map { ByteBuffer(bytes: $0.fingerprint) })),
                    \(ArrayParameter(responses.map { Int64($0.response.status) })), \(ArrayParameter(responses.map { ByteBuffer(bytes: $0.response.body) }))
                ) AS u(tenant_id, key, digest, status, body)
                ORDER BY u.tenant_id, u.key
                \(unescaped: skipsStoredKeys ? "ON CONFLICT DO NOTHING" : "")
                RETURNING 1
            )
            SELECT count(*) FROM stored
            """
    }
}

extension PlannedTransaction {
    /// The audit log's record of this posting.
    func auditEvent(actor: AuditActor) -> AuditEvent {
        var details = ["type": request.type.rawValue, "amount": String(amount.minorUnits), "currency": request.currency.code]
        if let reversed = request.reversesID { details["reversesId"] = Ledger.transactionIdentifier.format(reversed) }
        if let externalRef = request.externalRef { details["externalRef"] = externalRef }
        return AuditEvent(
            tenantID: tenantID, action: "transaction.posted", subjectType: "transaction",
            subjectID: Ledger.transactionIdentifier.format(id), actor: actor, details: details
        )
    }

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
