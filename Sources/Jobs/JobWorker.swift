public import Foundation
import Database
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// What a worker does with a claimed job.
public protocol JobHandler: Sendable {
    /// Does the job's work; throwing fails this attempt with the error's description.
    func run(_ job: Job) async throws
}

/// Claims jobs and hands them to a handler, one at a time, until shutdown. It wakes the
/// moment a job is queued (LISTEN on the channel the jobs trigger notifies), and also every
/// ``pollInterval`` for jobs that became due by time (a back-off over, a lease run out).
/// While a job runs its lease is renewed, so only a worker that died or hung loses it.
public struct JobWorker: Service {
    /// The channel migration 0007's trigger notifies.
    public static let channel = "grey_jobs"

    let queue: JobQueue
    let client: PostgresClient
    let handler: any JobHandler
    let name: String
    let lease: TimeInterval
    let pollInterval: Duration
    let logger: Logger

    public init(
        queue: JobQueue, client: PostgresClient, handler: any JobHandler, name: String,
        lease: TimeInterval = 60, pollInterval: Duration = .seconds(5), logger: Logger
    ) {
        self.queue = queue
        self.client = client
        self.handler = handler
        self.name = name
        self.lease = lease
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        await runOnNotifications(channel: Self.channel, pollInterval: pollInterval, client: client, logger: logger) {
            await drain()
        }
    }

    /// Runs jobs until none is due.
    func drain() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard let job = try await queue.claim(worker: name, lease: lease) else { return }
                await process(job)
            } catch {
                logger.warning("claiming a job failed", metadata: ["error": "\(String(reflecting: error))"])
                return
            }
        }
    }

    func process(_ job: Job) async {
        let started = ContinuousClock.now
        logger.info("job started", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "file": "\(job.fileID)", "attempt": "\(job.attempts)"])
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(lease / 3))
                        try await queue.extendLease(job, worker: name, lease: lease)
                    }
                }
                try await handler.run(job)
                group.cancelAll()
            }
            try await queue.complete(job, worker: name)
            logger.info("job done", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "duration": "\(ContinuousClock.now - started)"])
        } catch is CancellationError {
            // Shutting down mid-job: the job goes back for another worker, the attempt uncounted.
            _ = try? await Task { try await queue.release(job, worker: name) }.value
            logger.info("job given back at shutdown", metadata: ["job": "\(job.id)", "kind": "\(job.kind)"])
        } catch {
            let state = try? await queue.fail(job, worker: name, error: String(describing: error))
            logger.warning(
                "job failed",
                metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)", "now": "\(state?.rawValue ?? "unknown")",
                           "error": "\(String(describing: error))"]
            )
        }
    }
}
