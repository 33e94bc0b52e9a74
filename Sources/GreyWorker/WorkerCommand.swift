import ArgumentParser
import Database
import Foundation
import Ingest
import Jobs
import Logging
import PostgresNIO
import Preview
import S3Storage
import ServiceLifecycle
import Storage
import StructuredLogging
import UnixSignals

/// `grey-worker`: one preview worker process. It claims jobs from the queue and runs them
/// one at a time under a time limit (the process ends on SIGALRM) and a memory limit (its
/// address space), so a hostile file can take down only this process; `grey serve`
/// starts these and replaces one that ends. `grey worker` runs one in the foreground.
@main
struct GreyWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grey-worker", abstract: "Grey's preview worker (validation, thumbnails, pages, stills, waveforms).",
        subcommands: [WorkerCommand.self, RenderCommand.self], defaultSubcommand: WorkerCommand.self
    )
}

/// `grey-worker run` (the default): claims and runs jobs until stopped.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run jobs from the queue until stopped.")

    @Option(name: .customLong("data-dir"), help: "Data directory (env GREY_DATA_DIR, default ./.grey).")
    var dataDirectory: String?

    @Option(help: "This worker's name in the jobs table (default worker-PID).")
    var name: String?

    @Option(help: "Seconds one job may take before the process is ended (env GREY_WORKER_TIME_LIMIT, default 120).")
    var timeLimit: Int?

    @Option(help: "Address space one job may add to the worker's own, in MiB (env GREY_WORKER_MEMORY_LIMIT, default 4096).")
    var memoryLimit: Int?

    @Option(help: "Seconds a claimed job stays leased without a heartbeat (default 30).")
    var lease: Double = 30

    @Option(name: .customLong("log-level"), help: "Log level (env GREY_LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = Logger.Level(rawValue: logLevel ?? environment["GREY_LOG_LEVEL"] ?? "info") ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level, fileDescriptor: STDERR_FILENO) }
        let name = self.name ?? "worker-\(getpid())"
        var logger = Logger(label: "grey-worker")
        logger[metadataKey: "worker"] = "\(name)"

        let limits = try WorkerLimits(
            seconds: timeLimit ?? environment["GREY_WORKER_TIME_LIMIT"].flatMap(Int.init) ?? 120,
            mebibytes: memoryLimit ?? environment["GREY_WORKER_MEMORY_LIMIT"].flatMap(Int.init) ?? 4096
        )
        try Vips.start()

        let dataDirectory = URL(fileURLWithPath: self.dataDirectory ?? environment["GREY_DATA_DIR"] ?? ".grey").standardizedFileURL.path
        // A file re-processed after its original moved to the cold tier reads it from there.
        let blobs = try BlobStoreLocation(environment: environment, dataDirectory: dataDirectory)
            .openTiered(environment: environment, removingLeftovers: false)
        let location = DatabaseLocation(databaseURL: environment["GREY_DATABASE_URL"], dataDirectory: dataDirectory)
        let opened = try await location.open(logger: logger)
        defer { try? opened.lease?.release() }
        let client = PostgresClient(configuration: opened.configuration, backgroundLogger: logger)
        let processor = FileProcessor(files: FileStore(client: client, logger: logger), blobs: blobs, logger: logger)
        let worker = JobWorker(
            queue: JobQueue(client: client, logger: logger), client: client, handler: TimeLimitedHandler(wrapped: processor, limits: limits),
            name: name, lease: lease, logger: logger
        )
        logger.info("worker started", metadata: ["pid": "\(getpid())", "time_limit_s": "\(limits.seconds)", "memory_limit_mib": "\(limits.mebibytes)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [client, MigratedFirst(client: client, worker: worker, limits: limits, logger: logger)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
        )
        try await group.run()
    }
}

/// Applies the migrations (under their advisory lock, so a server starting beside it is
/// safe) and the memory limit before the worker claims its first job.
struct MigratedFirst: Service {
    let client: PostgresClient
    let worker: JobWorker
    let limits: WorkerLimits
    let logger: Logger

    func run() async throws {
        try await Migrator.bundled().apply(on: client, logger: logger)
        try limits.applyMemoryLimit()
        try await worker.run()
    }
}
