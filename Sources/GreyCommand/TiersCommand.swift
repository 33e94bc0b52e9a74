import ArgumentParser
import Database
import Ingest
import S3Storage

/// `grey tiers`: the hot and cold blob tiers.
struct TiersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers", abstract: "Manage the hot and cold blob tiers.", subcommands: [Demote.self]
    )

    struct Demote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move originals not read for a while, or beyond the hot tier's capacity, to the cold tier (GREY_COLD_STORE) now."
        )

        @OptionGroup var options: CommonOptions

        @Option(name: .customLong("idle-days"), help: "Move originals not read for this many days (env GREY_COLD_AFTER_DAYS, default 30).")
        var idleDays: String?

        @Option(name: .customLong("hot-capacity"), help: "Then move the least recently read until the hot tier holds at most this many bytes (env GREY_HOT_CAPACITY).")
        var hotCapacity: String?

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let environment = options.environment
            let hotLocation = try BlobStoreLocation(environment: environment, dataDirectory: options.resolvedDataDirectory)
            guard let settings = try ColdTierSettings(environment: environment, hot: hotLocation) else {
                throw ValidationError("no cold tier: set \(ColdTierSettings.storeVariable) to s3://BUCKET?endpoint=URL")
            }
            let policy = try ColdTierSettings.policy(idleDays: idleDays, hotCapacity: hotCapacity, defaults: settings.policy)
            // A server may be running on the same store: leave its unfinished puts alone.
            let hot = try hotLocation.open(removingLeftovers: false)
            let blobs = try settings.tiered(over: hot)
            let report = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                let files = FileStore(client: client, logger: logger)
                return try await BlobLifecycle(files: files, blobs: blobs, policy: policy, logger: logger).run()
            }
            print("moved \(report.demoted) blobs (\(report.demotedBytes) bytes) to the cold tier; \(report.failed) failed")
            if report.failed > 0 { throw ExitCode(1) }
        }
    }
}
