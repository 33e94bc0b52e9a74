import Audit
import Foundation
import Hummingbird
import Ingest
import Jobs
import Logging
import Storage
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml`: what operators and clients
/// read about the service itself. None of them needs a key.
struct OperationsController {
    let database: PostgresClient
    let metrics: HTTPMetrics
    let settlements = SettlementObserver()
    let blobs: any BlobStore
    /// The filesystem store's directory; nil when the store is remote.
    let blobDirectory: String?
    let readinessTimeout: Duration
    let logger: Logger

    func addRoutes(to router: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        router.route(.get, "/healthz", in: catalogue) { _, _ in
            JSONResponse(body: ["status": "ok"])
        }
        router.route(.get, "/readyz", in: catalogue) { _, _ in
            try await readiness()
        }
        router.route(.get, "/metrics", in: catalogue) { _, _ in
            // The queue's counts at scrape time; a scrape while the database is away still
            // serves the rest.
            let queue = JobQueue(client: database, logger: logger)
            if let counts = try? await queue.counts() {
                metrics.recordJobCounts(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
            }
            if let retrying = try? await queue.retryingCount() { metrics.recordRetryingJobs(retrying) }
            if let backlog = try? await AuditLog(client: database, logger: logger).backlog() {
                metrics.recordAuditBacklog(events: backlog.events, oldestSeconds: backlog.oldestSeconds)
            }
            await settlements.observe(files: FileStore(client: database, logger: logger), metrics: metrics)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        let specification = Self.loadSpecification()
        router.route(.get, "/openapi.yaml", in: catalogue) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: specification))
            )
        }
    }

    /// Whether `probe` succeeds within the readiness timeout; a failure is logged.
    func answers(_ what: String, _ probe: @escaping @Sendable () async throws -> Void) async -> Bool {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await probe() }
                group.addTask {
                    try await Task.sleep(for: readinessTimeout)
                    throw APIError(status: .serviceUnavailable, code: "not_ready", detail: "\(what) timed out")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            return true
        } catch {
            logger.warning("readiness: \(what) unreachable", metadata: ["error": .string(String(reflecting: error))])
            return false
        }
    }

    /// 200 when the database answers and the blob store is writable (the directory) or
    /// answers (a remote store); otherwise a 503 problem naming what failed.
    func readiness() async throws -> JSONResponse<Readiness> {
        var checks: [String: String] = [:]
        checks["database"] = await answers("database") { try await database.query("SELECT 1", logger: logger) } ? "ok" : "unreachable"
        if let blobDirectory {
            var info = stat()
            let isDirectory = stat(blobDirectory, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            checks["storage"] = isDirectory && access(blobDirectory, W_OK) == 0 ? "ok" : "unwritable"
        } else {
            // A HEAD of a digest nothing has: any answer shows the store is there.
            let probe = BlobDigest(bytes: [UInt8](repeating: 0, count: 32))!
            checks["storage"] = await answers("blob store") { _ = try await blobs.head(probe) } ? "ok" : "unreachable"
        }

        let failing = checks.filter { $0.value != "ok" }.keys.sorted()
        guard failing.isEmpty else {
            throw APIError(
                status: .serviceUnavailable, code: "not_ready",
                detail: "Not ready: \(failing.joined(separator: ", ")).",
                extensions: checks
            )
        }
        return JSONResponse(body: Readiness(status: "ready", checks: checks))
    }

    static func loadSpecification() -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else { return Array("openapi.yaml is missing from this build\n".utf8) }
        return Array(data)
    }
}

/// The body of a successful `/readyz`.
struct Readiness: Encodable, Sendable {
    var status: String
    var checks: [String: String]
}
