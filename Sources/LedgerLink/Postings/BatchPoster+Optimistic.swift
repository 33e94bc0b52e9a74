import Foundation
import PostgresNIO

extension BatchPoster {
    /// Posts the batch in one round trip: planned from the accounts' `cached` states,
    /// assuming that none of its keys, external references or reversals is taken yet, and
    /// written in one statement that commits on its own.
    ///
    /// The database checks every assumption as it writes: an entry must continue its
    /// account's chain exactly (a stale state breaks it, or takes a sequence number already
    /// used), a key, reference or reversal already taken breaks its unique index, a wallet
    /// frozen meanwhile refuses the entry. Any of these fails the whole statement, which
    /// then has written nothing; the caller forgets the cached states and posts the batch
    /// on the locked path (``post(_:on:)``), which reads afresh.
    ///
    /// - Returns: nil, with nothing written, when the plan refuses a request: a refusal
    ///   (402, 423, ...) is only given on the locked path's fresh reads.
    func postOptimistically(
        _ jobs: [PostingJob], cached: [AccountKey: AccountState], createdAt microseconds: Int64, on connection: PostgresConnection
    ) async throws -> PostedBatch? {
        let claims = claimKeys(of: jobs, stored: [:])
        let planner = BatchPlanner(accounts: cached, externalRefs: [:], reversals: [:])
        let createdAt = Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
        let plan = plan(jobs, claims: claims, with: planner, createdAt: createdAt)
        guard !plan.refusesAny else { return nil }
        try await write(plan, as: OptimisticBatchWrite.self, createdAt: microseconds, on: connection)
        return PostedBatch(results: answerFollowers(jobs, plan: plan), accounts: plan.accounts, createdAtMicroseconds: microseconds)
    }
}
