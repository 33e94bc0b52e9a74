import Audit
import Database
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Group commit: concurrent posting requests wait here and are posted together, many to one
/// database transaction, so one commit (one WAL flush) serves the whole batch.
///
/// A runner task takes everything waiting (up to ``maximumBatch``), posts it with
/// ``BatchPoster`` and, only after the commit, answers each request. Requests that arrive
/// meanwhile form the next batch. If a batch fails as a whole, its requests are posted one
/// by one, so one request can never fail another.
///
/// A batch whose accounts are all in the ``AccountCache`` is first posted optimistically,
/// in one statement and one round trip; if the database refuses that statement (the cache
/// was stale, a key was taken, a wallet was frozen) or the plan refuses a request, it is
/// posted on the locked path, in a transaction that reads and locks its accounts first.
///
/// With a batch in flight, another runner takes only the requests that touch none of its
/// accounts; the others wait for the next batch. So the batches of one queue never wait
/// for each other's row locks, and requests on one account keep their order.
final class PostingQueue: Sendable {
    /// The most requests posted in one database transaction.
    static let maximumBatch = 256

    private struct State {
        var waiting: [PostingJob] = []
        var runners = 0
        /// The accounts of the batches in flight, which those batches lock.
        var busyAccounts: Set<AccountKey> = []
    }

    private let state = Mutex(State())
    private let counts = Mutex<[PostingPath: Int]>([:])
    private let cache = AccountCache(capacity: 200_000)
    private let clock = PostingClock()
    private let client: PostgresClient
    private let logger: Logger
    private let runnerLimit: Int
    private let runnerExecutor: (any TaskExecutor)?
    private let observer: (@Sendable (PostingPath) -> Void)?

    /// - Parameters:
    ///   - runners: batches in flight at once. Batches lock their accounts in one global
    ///     order, so any number is deadlock-free. With two, one batch's statements run
    ///     while the other waits for its commit or for Grey.
    ///   - executor: where the runners run (``EventLoopTaskExecutor`` on the database
    ///     client's event loop, say); nil runs them in the shared cooperative pool, where
    ///     each of a batch's round trips waits in line behind the HTTP requests' work.
    ///   - observer: told the path of every batch posted (for metrics).
    init(
        client: PostgresClient, logger: Logger, runners: Int = 2, executor: (any TaskExecutor)? = nil,
        observer: (@Sendable (PostingPath) -> Void)? = nil
    ) {
        self.client = client
        self.logger = logger
        self.runnerLimit = max(1, runners)
        self.runnerExecutor = executor
        self.observer = observer
    }

    /// Posts `request` in the next batch and returns once that batch has committed.
    func post(_ request: PostingRequest, tenantID: UUID, idempotency: IdempotentRequest?, actor: AuditActor) async throws -> PostingResult {
        try await withCheckedThrowingContinuation { continuation in
            let job = PostingJob(
                tenantID: tenantID, request: request, idempotency: idempotency, actor: actor,
                enqueuedAt: .now, completion: continuation
            )
            let startsRunner = state.withLock { state in
                state.waiting.append(job)
                guard state.runners < runnerLimit else { return false }
                state.runners += 1
                return true
            }
            if startsRunner {
                Task(executorPreference: runnerExecutor) { await self.run() }
            }
        }
    }

    private func run() async {
        var finished: Set<AccountKey> = []
        while let (batch, accounts) = nextBatch(after: finished) {
            await post(batch, accounts: accounts)
            finished = accounts
        }
    }

    /// Frees the accounts of the batch this runner `finished`, then takes the next requests
    /// to post (``BatchSelection``): none that touches an account of a batch still in
    /// flight. Nil (and one runner fewer) when no request can be taken.
    private func nextBatch(after finished: Set<AccountKey>) -> (jobs: [PostingJob], accounts: Set<AccountKey>)? {
        state.withLock { state in
            state.busyAccounts.subtract(finished)
            let selection = BatchSelection(from: state.waiting, busy: state.busyAccounts, limit: Self.maximumBatch, accounts: \.accounts)
            guard !selection.taken.isEmpty else {
                state.runners -= 1
                return nil
            }
            state.waiting = selection.left
            state.busyAccounts.formUnion(selection.accounts)
            return (selection.taken, selection.accounts)
        }
    }

    private func post(_ batch: [PostingJob], accounts: Set<AccountKey>) async {
        let poster = BatchPoster(logger: logger)
        if let cached = cache.lookUp(all: accounts) {
            do {
                let posted = try await client.withConnection { connection in
                    try await poster.postOptimistically(batch, cached: cached, createdAt: clock.next(), on: connection)
                }
                if let posted {
                    count(.optimistic)
                    finish(batch, posted)
                    return
                }
            } catch let error as PSQLError where error.code == .server {
                // The statement failed as a whole and wrote nothing: the locked path decides.
                count(.refused)
                cache.forget(accounts)
                logger.debug("optimistic batch refused by the database; posting it locked", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
            } catch {
                // Whether the statement committed is unknown (the connection failed, say):
                // posting again could post twice.
                cache.forget(accounts)
                for job in batch { job.completion.resume(throwing: error) }
                return
            }
        }
        do {
            let posted = try await retryingTransientConflicts {
                try await client.withTransaction(logger: logger) { connection in
                    try await poster.post(batch, on: connection)
                }
            }
            count(.locked)
            clock.saw(posted.createdAtMicroseconds)
            finish(batch, posted)
        } catch {
            cache.forget(accounts)
            guard batch.count > 1 else {
                batch[0].completion.resume(throwing: (error as? PostgresTransactionError)?.closureError ?? error)
                return
            }
            logger.warning("posting batch failed; posting its requests one by one", metadata: ["error": "\(String(reflecting: error))"])
            for job in batch {
                await post([job], accounts: Set(job.accounts))
            }
        }
    }

    /// How many batches each path has posted so far (a path never taken is missing).
    var pathCounts: [PostingPath: Int] { counts.withLock { $0 } }

    private func count(_ path: PostingPath) {
        counts.withLock { $0[path, default: 0] += 1 }
        observer?(path)
    }

    /// Keeps the committed batch's accounts and answers its requests.
    private func finish(_ batch: [PostingJob], _ posted: PostedBatch) {
        cache.remember(posted.accounts)
        for (job, outcome) in zip(batch, posted.results) {
            if case .success(.posted(let transaction, _)) = outcome { logPosted(transaction, job: job) }
            job.completion.resume(with: outcome)
        }
    }

    private func logPosted(_ transaction: LedgerTransaction, job: PostingJob) {
        let elapsed = ContinuousClock.now - job.enqueuedAt
        logger.info(
            "transaction posted",
            metadata: [
                "tenant": "\(job.tenantID)",
                "transaction_id": "\(Ledger.transactionIdentifier.format(transaction.id))",
                "type": "\(transaction.type.rawValue)",
                "amount": "\(transaction.amount.minorUnits)",
                "currency": "\(transaction.currency.code)",
                "accounts": "\(transaction.entries.map { Identifier.hex($0.accountID) }.joined(separator: ","))",
                "duration_ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
            ]
        )
    }
}
