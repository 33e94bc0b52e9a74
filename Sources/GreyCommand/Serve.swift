import ArgumentParser
import Audit
import Database
import Foundation
import Hummingbird
import Ingest
import Jobs
import Logging
import NIOPosix
import PostgresNIO
import S3Storage
import Server
import LedgerLink
import ServiceLifecycle
import Storage
import Tenancy

/// `grey serve`: the HTTP API on the embedded or configured database.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Grey HTTP service (the default command).")

    @OptionGroup var options: CommonOptions

    @Option(help: "Address to listen on (env GREY_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env GREY_PORT, default 8080).")
    var port: Int?

    @Option(name: .customLong("cors-origins"), help: "Comma-separated browser origins allowed to call the API (env GREY_CORS_ORIGINS).")
    var corsOrigins: String?

    @Option(name: .customLong("public-url"), help: "The origin clients reach Grey on, for the URLs it hands out (env GREY_PUBLIC_URL; default: each request's Host).")
    var publicURL: String?

    @Option(help: "Preview worker processes to run beside the server; 0 runs none (env GREY_WORKERS, default: one per core, at most 8).")
    var workers: Int?

    var configuration: ServerConfiguration {
        get throws {
            let environment = options.environment
            let portText = port.map(String.init) ?? environment["GREY_PORT"] ?? "8080"
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw ValidationError("invalid port '\(portText)'")
            }
            let origins = (corsOrigins ?? environment["GREY_CORS_ORIGINS"] ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var configuration = ServerConfiguration(
                host: host ?? environment["GREY_HOST"] ?? "127.0.0.1",
                port: port,
                dataDirectory: options.resolvedDataDirectory,
                corsOrigins: origins
            )
            if let url = publicURL ?? environment["GREY_PUBLIC_URL"] {
                guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.hasSuffix("/") else {
                    throw ValidationError("the public URL must be an origin such as https://files.example.com (no trailing slash)")
                }
                configuration.publicURL = url
            }
            return configuration
        }
    }

    func run() async throws {
        let logger = try options.bootstrapLogging(toStandardOutput: true)
        var settings = try self.configuration
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let blobLocation = try BlobStoreLocation(environment: options.environment, dataDirectory: settings.dataDirectory)
        settings.blobStoreIsRemote = blobLocation.directory == nil
        let configuration = settings
        let hotBlobs = try blobLocation.open()
        let coldTier = try ColdTierSettings(environment: options.environment, hot: blobLocation)
        let signingKeys = try SigningKeySource(dataDirectory: configuration.dataDirectory, environment: options.environment).load()

        let location = options.databaseLocation
        let opened = try await location.open(logger: logger)
        defer { try? opened.lease?.release() }
        // The database client has an event loop thread of its own, on which the ledger's
        // posting batches also run: a batch's round trips then never wait behind HTTP work.
        let databaseThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { databaseThread.shutdownGracefully { _ in } }
        let client = PostgresClient(configuration: opened.configuration, eventLoopGroup: databaseThread, backgroundLogger: logger)
        var services: [any Service] = []
        if let lease = opened.lease { services.append(ClusterLeaseService(lease: lease, logger: logger)) }
        // Start-up in order: the client runs, the migrations are applied, then the rounds
        // that read the schema begin.
        let clientRunning = StartupGate(), migrated = StartupGate()
        services.append(StartupStep(client, opening: clientRunning))
        services.append(StartupStep(IdempotencyKeyExpiry(client: client, logger: logger), after: migrated))
        services.append(StartupStep(AuditSealer(client: client, logger: logger), after: migrated))
        let apiKeyCache = APIKeyCache()
        services.append(APIKeyRevocationListener(client: client, cache: apiKeyCache, logger: logger))
        var dependencies = AppDependencies(
            database: client, logger: logger, apiKeyCache: apiKeyCache, blobs: hotBlobs, signingKeys: signingKeys,
            postingExecutor: EventLoopTaskExecutor(eventLoop: databaseThread.next())
        )
        if let coldTier {
            let metrics = dependencies.metrics
            let tiered = try coldTier.tiered(over: hotBlobs) { metrics.recordBlobRead(from: $0) }
            dependencies.blobs = tiered
            let files = FileStore(client: client, logger: logger)
            let lifecycle = BlobLifecycle(files: files, blobs: tiered, policy: coldTier.policy, logger: logger)
            services.append(BlobLifecycleService(lifecycle: lifecycle, files: files, metrics: metrics, interval: .seconds(3600), logger: logger))
        }
        let blobs = dependencies.blobs

        let workerCount = workers ?? options.environment["GREY_WORKERS"].flatMap(Int.init) ?? min(8, ProcessInfo.processInfo.activeProcessorCount)
        guard (0...64).contains(workerCount) else { throw ValidationError("--workers must be 0 to 64") }
        if workerCount > 0 {
            services.append(WorkerPool(
                executable: try WorkerPool.siblingExecutable(), count: workerCount,
                arguments: ["--data-dir", configuration.dataDirectory] + (options.logLevel.map { ["--log-level", $0] } ?? []),
                queue: JobQueue(client: client, logger: logger), files: FileStore(client: client, logger: logger), blobs: blobs, logger: logger
            ))
        }

        let developmentKey = DevelopmentKey(dataDirectory: configuration.dataDirectory)
        let isEmbedded = opened.lease != nil
        let app = buildApplication(
            configuration: configuration,
            dependencies: dependencies,
            services: services,
            beforeServerStarts: {
                guard await clientRunning.passed() else { throw CancellationError() }
                try await Migrator.bundled().apply(on: client, logger: logger)
                migrated.open()
            },
            onServerRunning: { port in
                var line = "Grey is ready on http://\(configuration.host):\(port)"
                if isEmbedded, let token = try? await developmentKey.ensure(keys: APIKeyStore(client: client, logger: logger)) {
                    line += "  (development API key: \(token))"
                }
                logger.info("ready", metadata: ["port": "\(port)", "blob_store": "\(blobLocation)", "cold_store": "\(coldTier?.location.description ?? "none")"])
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        )
        try await app.runService()
    }
}

/// Holds the embedded cluster for the server's lifetime and gives it back on shutdown,
/// after the database client (services stop in reverse order).
struct ClusterLeaseService: Service {
    let lease: ClusterLease
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try lease.release()
        } catch {
            logger.error("could not stop the embedded PostgreSQL", metadata: ["error": "\(error)"])
        }
    }
}
