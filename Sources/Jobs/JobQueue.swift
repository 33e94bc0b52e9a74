public import Foundation
public import Logging
public import PostgresNIO

/// The Postgres job queue: workers claim due jobs with `FOR UPDATE SKIP LOCKED` (so no two
/// workers ever hold one job and none waits for another), under a lease; a job whose
/// lease ran out is claimed again.
public struct JobQueue: Sendable {
    let client: PostgresClient
    let logger: Logger
    public let retry: RetryPolicy

    public init(client: PostgresClient, logger: Logger, retry: RetryPolicy = RetryPolicy()) {
        self.client = client
        self.logger = logger
        self.retry = retry
    }

    static let columns = "id, tenant_id, file_id, kind, state, attempts, run_after, lease_expires_at, claimed_by, last_error"
    /// The same, each named with its table (the claim's UPDATE ... FROM needs that).
    static let qualifiedColumns = columns.split(separator: ",").map { "jobs." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// Claims the next due job (queued and due, or running with an expired lease) for
    /// `worker`, leased for `lease`; nil when none is due.
    public func claim(worker: String, lease: TimeInterval) async throws -> Job? {
        // A candidate another worker is claiming right now is skipped, not waited for.
        let rows = try await client.query(
            """
            WITH candidate AS (
                SELECT id FROM jobs
                WHERE (state = 'queued' AND run_after <= now()) OR (state = 'running' AND lease_expires_at < now())
                ORDER BY run_after LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = \(worker),
                lease_expires_at = now() + \(lease) * interval '1 second', updated_at = now()
            FROM candidate WHERE jobs.id = candidate.id
            RETURNING \(unescaped: Self.qualifiedColumns)
            """,
            logger: logger
        )
        for try await row in rows.decode(JobRow.self) { return Job(row: row) }
        return nil
    }

    /// Marks a claimed job done; false if `worker` no longer holds it (its lease ran out
    /// and another worker claimed it).
    @discardableResult
    public func complete(_ job: Job, worker: String) async throws -> Bool {
        try await update(
            "UPDATE jobs SET state = 'done', lease_expires_at = NULL, last_error = NULL, updated_at = now() WHERE id = \(job.id) AND state = 'running' AND claimed_by = \(worker) RETURNING 1"
        )
    }

    /// Extends the lease of a job `worker` still holds (a long job's heartbeat); false if
    /// the worker lost it.
    @discardableResult
    public func extendLease(_ job: Job, worker: String, lease: TimeInterval) async throws -> Bool {
        try await update(
            "UPDATE jobs SET lease_expires_at = now() + \(lease) * interval '1 second', updated_at = now() WHERE id = \(job.id) AND state = 'running' AND claimed_by = \(worker) RETURNING 1"
        )
    }

    /// Records a failed attempt: the job is queued again after the policy's back-off, or
    /// dead-lettered once it has failed ``RetryPolicy/maximumAttempts`` times.
    @discardableResult
    public func fail(_ job: Job, worker: String, error: String) async throws -> Job.State {
        let isDead = job.attempts >= retry.maximumAttempts
        let state = isDead ? Job.State.dead : .queued
        let delay = retry.delay(afterAttempt: job.attempts)
        _ = try await update(
            """
            UPDATE jobs SET state = \(state.rawValue), last_error = \(String(error.prefix(2000))), lease_expires_at = NULL,
                run_after = now() + \(delay) * interval '1 second', updated_at = now()
            WHERE id = \(job.id) AND state = 'running' AND claimed_by = \(worker) RETURNING 1
            """
        )
        return state
    }

    /// Gives back a job `worker` holds without counting the attempt (the worker is
    /// shutting down): it is due again at once, for another worker.
    @discardableResult
    public func release(_ job: Job, worker: String) async throws -> Bool {
        try await update(
            """
            UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_expires_at = NULL, run_after = now(),
                updated_at = now()
            WHERE id = \(job.id) AND state = 'running' AND claimed_by = \(worker) RETURNING 1
            """
        )
    }

    /// Puts a dead (or done) job back in the queue with its attempts reset; false if no such job.
    @discardableResult
    public func requeue(id: Int64) async throws -> Bool {
        try await update(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), lease_expires_at = NULL, claimed_by = NULL, updated_at = now() WHERE id = \(id) AND state IN ('dead', 'done') RETURNING 1"
        )
    }

    /// The newest jobs in `state` (every state when nil), at most `limit`.
    public func list(state: Job.State?, limit: Int = 100) async throws -> [Job] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM jobs
            WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)::text
            ORDER BY id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var jobs: [Job] = []
        for try await row in rows.decode(JobRow.self) { jobs.append(Job(row: row)) }
        return jobs
    }

    /// The jobs `worker` holds now (a supervisor settles them when the worker ends).
    public func running(claimedBy worker: String) async throws -> [Job] {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM jobs WHERE state = 'running' AND claimed_by = \(worker)",
            logger: logger
        )
        var jobs: [Job] = []
        for try await row in rows.decode(JobRow.self) { jobs.append(Job(row: row)) }
        return jobs
    }

    /// How many jobs are in each state (for metrics).
    public func counts() async throws -> [Job.State: Int] {
        let rows = try await client.query("SELECT state, count(*)::bigint FROM jobs GROUP BY state", logger: logger)
        var counts = Dictionary(uniqueKeysWithValues: Job.State.allCases.map { ($0, 0) })
        for try await (state, count) in rows.decode((String, Int64).self) {
            if let state = Job.State(rawValue: state) { counts[state] = Int(count) }
        }
        return counts
    }

    /// How many queued jobs failed at least once and wait for their retry (for metrics).
    public func retryingCount() async throws -> Int {
        let rows = try await client.query("SELECT count(*)::bigint FROM jobs WHERE state = 'queued' AND last_error IS NOT NULL", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    private func update(_ query: PostgresQuery) async throws -> Bool {
        let rows = try await client.query(query, logger: logger)
        var changed = false
        for try await _ in rows { changed = true }
        return changed
    }
}

typealias JobRow = (Int64, UUID, UUID, String, String, Int, Date, Date?, String?, String?)

extension Job {
    init(row: JobRow) {
        let (id, tenantID, fileID, kind, state, attempts, runAfter, leaseExpiresAt, claimedBy, lastError) = row
        self.init(
            id: id, tenantID: tenantID, fileID: fileID, kind: kind, state: State(rawValue: state) ?? .queued, attempts: attempts,
            runAfter: runAfter, leaseExpiresAt: leaseExpiresAt, claimedBy: claimedBy, lastError: lastError
        )
    }
}
