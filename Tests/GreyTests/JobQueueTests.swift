import Database
import Foundation
import Jobs
import PostgresNIO
import Synchronization
import Tenancy
import Testing

/// The Postgres job queue on a real database: exclusive claims, leases, back-off, dead letters.
@Suite struct JobQueueTests {
    /// Queues `count` jobs (each for a new file of one tenant).
    static func queueJobs(_ count: Int, on client: PostgresClient) async throws {
        let tenant = try await APIKeyStore(client: client, logger: TestDatabase.logger).create(tenantName: "jobs").key.tenant.id
        for _ in 0..<count {
            let file = Identifier.makeUUID()
            try await client.query(
                """
                INSERT INTO files (tenant_id, id, filename, extension, declared_type, size, sha256, status, upload_expires_at, uploaded_at)
                VALUES (\(tenant), \(file), 'a.jpg', 'jpg', 'image/jpeg', 1, \(ByteBuffer(repeating: 1, count: 32)), 'processing', now(), now())
                """,
                logger: TestDatabase.logger
            )
            try await client.query("INSERT INTO jobs (tenant_id, file_id, kind) VALUES (\(tenant), \(file), 'process_file')", logger: TestDatabase.logger)
        }
    }

    @Test func concurrentWorkersClaimEachJobOnce() async throws {
        try await TestDatabase.withClient { client in
            try await Self.queueJobs(40, on: client)
            let queue = JobQueue(client: client, logger: TestDatabase.logger)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [Int64] = []
                        while let job = try await queue.claim(worker: "w\(worker)", lease: 60) {
                            mine.append(job.id)
                            #expect(try await queue.complete(job, worker: "w\(worker)"))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(claimed.count == 40)
            #expect(Set(claimed).count == 40)
            #expect(try await queue.counts()[.done] == 40)
        }
    }

    @Test func anExpiredLeaseIsClaimedAgain() async throws {
        try await TestDatabase.withClient { client in
            try await Self.queueJobs(1, on: client)
            let queue = JobQueue(client: client, logger: TestDatabase.logger)
            let first = try #require(try await queue.claim(worker: "crashed", lease: 60))
            #expect(first.attempts == 1)
            #expect(try await queue.claim(worker: "other", lease: 60) == nil)

            // The lease runs out (the worker crashed or hangs).
            try await client.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second'", logger: TestDatabase.logger)
            let second = try #require(try await queue.claim(worker: "other", lease: 60))
            #expect(second.id == first.id)
            #expect(second.attempts == 2)
            #expect(second.claimedBy == "other")
            // The first worker's late answer no longer counts.
            #expect(try await queue.complete(first, worker: "crashed") == false)
            #expect(try await queue.complete(second, worker: "other"))
        }
    }

    @Test func failuresBackOffThenDeadLetterThenRequeue() async throws {
        try await TestDatabase.withClient { client in
            try await Self.queueJobs(1, on: client)
            var retry = RetryPolicy()
            retry.maximumAttempts = 3
            retry.baseDelay = 0
            let queue = JobQueue(client: client, logger: TestDatabase.logger, retry: retry)
            for attempt in 1...3 {
                let job = try #require(try await queue.claim(worker: "w", lease: 60))
                #expect(job.attempts == attempt)
                let state = try await queue.fail(job, worker: "w", error: "decoder crashed (attempt \(attempt))")
                #expect(state == (attempt < 3 ? .queued : .dead))
            }
            #expect(try await queue.claim(worker: "w", lease: 60) == nil)
            let dead = try await queue.list(state: .dead)
            #expect(dead.count == 1)
            #expect(dead.first?.lastError == "decoder crashed (attempt 3)")

            #expect(try await queue.requeue(id: dead[0].id))
            let again = try #require(try await queue.claim(worker: "w", lease: 60))
            #expect(again.attempts == 1)
        }
    }

    @Test func aJobGivenBackAtShutdownIsDueAgainWithItsAttemptUncounted() async throws {
        try await TestDatabase.withClient { client in
            try await Self.queueJobs(1, on: client)
            let queue = JobQueue(client: client, logger: TestDatabase.logger)
            let job = try #require(try await queue.claim(worker: "leaving", lease: 60))
            #expect(try await queue.running(claimedBy: "leaving").map(\.id) == [job.id])
            #expect(try await queue.release(job, worker: "other") == false)
            #expect(try await queue.release(job, worker: "leaving"))
            let again = try #require(try await queue.claim(worker: "next", lease: 60))
            #expect(again.id == job.id)
            #expect(again.attempts == 1)
            #expect(try await queue.running(claimedBy: "leaving").isEmpty)
        }
    }

    @Test func backOffGrowsExponentiallyToItsCap() {
        var retry = RetryPolicy()
        retry.baseDelay = 2
        retry.maximumDelay = 60
        #expect((1...7).map { retry.delay(afterAttempt: $0) } == [2, 4, 8, 16, 32, 60, 60])
    }
}
