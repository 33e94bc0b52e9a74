import ArgumentParser
import Database
import Foundation
import Ingest
import Jobs

/// `grey jobs`: look into the background job queue and requeue dead jobs.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect and requeue background jobs.", subcommands: [List.self, Dead.self, Retry.self]
    )

    /// Runs `body` with the queue of the configured database, migrated first.
    static func withQueue<Result: Sendable>(_ options: CommonOptions, _ body: @Sendable (JobQueue) async throws -> Result) async throws -> Result {
        let logger = try options.bootstrapLogging()
        return try await options.databaseLocation.withDatabase(logger: logger) { client in
            try await Migrator.bundled().apply(on: client, logger: logger)
            return try await body(JobQueue(client: client, logger: logger))
        }
    }

    /// One line per job: id, state, attempts, kind, file, worker, last error.
    static func table(_ jobs: [Job]) -> String {
        guard !jobs.isEmpty else { return "no jobs" }
        let lines = jobs.map { job in
            [
                String(job.id), job.state.rawValue, "attempts=\(job.attempts)", job.kind,
                "file=" + FileStore.identifier.format(job.fileID), job.claimedBy.map { "worker=\($0)" } ?? "",
                job.lastError.map { "error=\($0.prefix(200))" } ?? "",
            ].filter { !$0.isEmpty }.joined(separator: "  ")
        }
        return lines.joined(separator: "\n")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest jobs, optionally of one state (queued, running, done, dead).")

        @OptionGroup var options: CommonOptions

        @Option(help: "Only jobs in this state.")
        var state: String?

        @Option(help: "At most this many jobs (1-1000).")
        var limit = 100

        func run() async throws {
            let wanted = try state.map { name in
                guard let state = Job.State(rawValue: name) else { throw ValidationError("unknown state '\(name)'; use queued, running, done or dead") }
                return state
            }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1 to 1000") }
            print(JobsCommand.table(try await JobsCommand.withQueue(options) { try await $0.list(state: wanted, limit: limit) }))
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead-lettered jobs with their last error.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            print(JobsCommand.table(try await JobsCommand.withQueue(options) { try await $0.list(state: .dead, limit: 1000) }))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a dead (or done) job back in the queue, its attempts reset.")

        @OptionGroup var options: CommonOptions

        @Argument(help: "The job's id, as `grey jobs list` prints it.")
        var id: Int64

        func run() async throws {
            let requeued = try await JobsCommand.withQueue(options) { try await $0.requeue(id: id) }
            guard requeued else {
                print("job \(id) is not dead or done (or does not exist)")
                throw ExitCode(1)
            }
            print("job \(id) queued again")
        }
    }
}
