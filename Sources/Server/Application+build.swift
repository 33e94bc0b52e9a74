import Audit
public import Hummingbird
import Ingest
public import Logging
public import PostgresNIO
public import Prometheus
public import ServiceLifecycle
public import Signing
public import Storage
import LedgerLink
public import Tenancy

/// Everything the HTTP layer needs from the outside.
public struct AppDependencies: Sendable {
    public var database: PostgresClient
    public var metrics: HTTPMetrics
    public var logger: Logger
    /// Checked API keys; on only while an ``APIKeyRevocationListener`` runs beside the app.
    public var apiKeyCache: APIKeyCache
    /// Where uploaded bytes are kept.
    public var blobs: any BlobStore
    /// The keys that sign upload (and download) URLs.
    public var signingKeys: SigningKeyRing
    /// Where the origin leaves files for the connection to send with `sendfile(2)`; only
    /// when the server's channel is ``GreyHTTP1Channel`` with the same handoff (nil: the
    /// origin writes the bytes itself).
    public var fileRegions: FileRegionHandoff?
    /// Where the router installs what answers hot signed reads on the connection; only
    /// when the server's channel is ``GreyHTTP1Channel`` with the same instance and with
    /// `fileRegions` (nil: the router answers every read).
    public var directReads: DirectReads?
    /// Where the router installs what answers money-moving POSTs on the connection; only
    /// when the server's channel is ``GreyHTTP1Channel`` with the same instance and with
    /// `directReads` (nil: the router answers every posting).
    public var directPostings: DirectPostings?
    /// Where the ledger's posting batches run: best the database client's own event loop
    /// (``EventLoopTaskExecutor``), so that no round trip of a batch waits in line behind
    /// HTTP work (nil: the shared cooperative pool).
    public var postingExecutor: (any TaskExecutor)?

    public init(
        database: PostgresClient, metrics: HTTPMetrics = HTTPMetrics(registry: PrometheusCollectorRegistry()), logger: Logger,
        apiKeyCache: APIKeyCache = APIKeyCache(), blobs: any BlobStore, signingKeys: SigningKeyRing,
        fileRegions: FileRegionHandoff? = nil, directReads: DirectReads? = nil, directPostings: DirectPostings? = nil,
        postingExecutor: (any TaskExecutor)? = nil
    ) {
        self.database = database
        self.metrics = metrics
        self.logger = logger
        self.apiKeyCache = apiKeyCache
        self.blobs = blobs
        self.signingKeys = signingKeys
        self.fileRegions = fileRegions
        self.directReads = directReads
        self.directPostings = directPostings
        self.postingExecutor = postingExecutor
    }
}

/// The router: middleware that sees every request, then the open operations routes, then
/// the tenant API behind bearer keys.
public func buildRouter(
    configuration: ServerConfiguration,
    dependencies: AppDependencies,
    catalogue: RouteCatalogue = RouteCatalogue()
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.addMiddleware {
        RequestLogMiddleware()
        HTTPMetricsMiddleware(metrics: dependencies.metrics)
        CORSMiddleware(allowedOrigins: configuration.corsOrigins)
        ProblemMiddleware(routes: catalogue)
    }
    OperationsController(
        database: dependencies.database, metrics: dependencies.metrics, blobs: dependencies.blobs,
        blobDirectory: configuration.blobStoreIsRemote ? nil : configuration.blobDirectory,
        readinessTimeout: configuration.readinessTimeout,
        logger: dependencies.logger
    ).addRoutes(to: router, catalogue: catalogue)
    WebPageController().addRoutes(to: router, catalogue: catalogue)

    let keys = APIKeyStore(client: dependencies.database, logger: dependencies.logger, cache: dependencies.apiKeyCache)
    let api = router.group()
        .add(middleware: BearerAuthMiddleware(keys: keys))
        .group(context: TenantRequestContext.self)
    let metrics = dependencies.metrics
    let ledger = Ledger(
        client: dependencies.database, logger: dependencies.logger, postingExecutor: dependencies.postingExecutor,
        postingObserver: { metrics.recordPostingBatch($0) }
    )
    UsersController(users: UserStore(client: dependencies.database, logger: dependencies.logger), ledger: ledger)
        .addRoutes(to: api, catalogue: catalogue)
    WalletsController(ledger: ledger).addRoutes(to: api, catalogue: catalogue)
    let transactions = TransactionsController(ledger: ledger)
    transactions.addRoutes(to: api, catalogue: catalogue)
    dependencies.directPostings?.install(.ledger(
        postings: transactions.fixedPostings(), keys: keys, metrics: dependencies.metrics, logger: dependencies.logger
    ))
    AccountsController(ledger: ledger).addRoutes(to: api, catalogue: catalogue)
    MerchantsController(ledger: ledger).addRoutes(to: api, catalogue: catalogue)
    StatementExportController(ledger: ledger).addRoutes(to: api, catalogue: catalogue)
    AuditController(log: AuditLog(client: dependencies.database, logger: dependencies.logger)).addRoutes(to: api, catalogue: catalogue)

    let files = FileStore(client: dependencies.database, logger: dependencies.logger)
    let blobs = ObservedBlobStore(wrapped: dependencies.blobs, metrics: dependencies.metrics, logger: dependencies.logger)
    let uploads = Uploads(
        files: files, blobs: blobs, signer: URLSigner(keys: dependencies.signingKeys), sniffer: ContentSniffer(),
        policy: configuration.uploadPolicy
    )
    let links = OriginLinks(signer: URLSigner(keys: dependencies.signingKeys), publicURL: configuration.publicURL)
    UploadsController(uploads: uploads, publicURL: configuration.publicURL, links: links).addRoutes(to: api, open: router, catalogue: catalogue)
    let readCache = ReadyFileCache()
    FilesController(files: files, links: links, blobs: blobs, readCache: readCache).addRoutes(to: api, catalogue: catalogue)
    AttachmentsController(files: files, ledger: ledger, links: links).addRoutes(to: api, catalogue: catalogue)
    let reads = SignedReads(files: files, blobs: blobs, links: links, cache: readCache, fileRegions: dependencies.fileRegions)
    dependencies.directReads?.install(DirectReadAnswerer(answer: reads.directAnswer, metrics: dependencies.metrics, logger: dependencies.logger))
    PreviewsController(reads: reads).addRoutes(to: router, catalogue: catalogue)
    ContentController(reads: reads).addRoutes(to: router, catalogue: catalogue)
    return router
}

/// The whole server: the router, plus `services` (the database client, the cluster
/// lease) that start with it and stop after it, in reverse order.
public func buildApplication(
    configuration: ServerConfiguration,
    dependencies: AppDependencies,
    services: [any Service],
    beforeServerStarts: @escaping @Sendable () async throws -> Void,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void
) -> some ApplicationProtocol {
    var dependencies = dependencies
    let fileRegions = dependencies.fileRegions ?? FileRegionHandoff()
    dependencies.fileRegions = fileRegions
    let serverName = "grey"
    let directReads = dependencies.directReads ?? DirectReads(serverName: serverName)
    dependencies.directReads = directReads
    let directPostings = dependencies.directPostings ?? DirectPostings(serverName: serverName)
    dependencies.directPostings = directPostings
    var app = Application(
        router: buildRouter(configuration: configuration, dependencies: dependencies),
        // A connection that sends nothing for this long is closed, an upload stalled
        // mid-body included (its staging file is then removed).
        server: .greyHTTP1(
            configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))), fileRegions: fileRegions, directReads: directReads,
            directPostings: directPostings
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: dependencies.logger
    )
    app.beforeServerStarts(perform: beforeServerStarts)
    return app
}
