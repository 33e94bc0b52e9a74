import Foundation
import Jobs
import PostgresNIO
import Synchronization
import Testing

/// A worker against the real queue: woken by NOTIFY, retrying, dead-lettering.
@Suite struct JobWorkerTests {
    /// Records the jobs it runs; fails every attempt when `fails`.
    final class RecordingHandler: JobHandler {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "this file cannot be decoded" }
        }

        let fails: Bool
        let ran = Mutex<[Int64]>([])
        init(fails: Bool) { self.fails = fails }

        func run(_ job: Job) async throws {
            ran.withLock { $0.append(job.id) }
            if fails { throw Refused() }
        }
    }

    /// Runs a worker with `handler` while `body` runs, then stops it.
    func withWorker(
        _ client: PostgresClient, handler: RecordingHandler, retry: RetryPolicy = RetryPolicy(), pollInterval: Duration,
        _ body: (JobQueue) async throws -> Void
    ) async throws {
        let queue = JobQueue(client: client, logger: TestDatabase.logger, retry: retry)
        let worker = JobWorker(queue: queue, client: client, handler: handler, name: "test-worker", pollInterval: pollInterval, logger: TestDatabase.logger)
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await body(queue)
        running.cancel()
        _ = await running.result
    }

    @Test func aQueuedJobWakesTheWorkerAtOnce() async throws {
        try await TestDatabase.withClient { client in
            let handler = RecordingHandler(fails: false)
            // Polling every minute: only the notification can wake the worker in time.
            try await withWorker(client, handler: handler, pollInterval: .seconds(60)) { queue in
                try await Task.sleep(for: .seconds(1)) // the worker is listening
                try await JobQueueTests.queueJobs(3, on: client)
                let done = try await eventually(timeout: .seconds(20)) { try await queue.counts()[.done] == 3 }
                #expect(done)
                #expect(handler.ran.withLock { $0.count } == 3)
            }
        }
    }

    @Test func aFailingJobIsRetriedThenDeadLettered() async throws {
        try await TestDatabase.withClient { client in
            let handler = RecordingHandler(fails: true)
            var retry = RetryPolicy()
            retry.maximumAttempts = 3
            retry.baseDelay = 0
            try await withWorker(client, handler: handler, retry: retry, pollInterval: .milliseconds(200)) { queue in
                try await JobQueueTests.queueJobs(1, on: client)
                let dead = try await eventually(timeout: .seconds(20)) { try await queue.counts()[.dead] == 1 }
                #expect(dead)
                #expect(handler.ran.withLock { $0.count } == 3)
                #expect(try await queue.list(state: .dead).first?.lastError == "this file cannot be decoded")
            }
        }
    }
}
