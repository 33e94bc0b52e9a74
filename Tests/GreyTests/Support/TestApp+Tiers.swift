import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Jobs
import Logging
import PostgresNIO
import Preview
import Server
import Storage

/// A test app on tiered blobs: hot in its data directory, cold in a bucket of its own on
/// the shared SeaweedFS, counting reads per tier in the metrics `/metrics` serves.
struct TieredTestApp {
    let app: TestApp
    let blobs: TieredBlobStore
    let dependencies: AppDependencies

    static func make() async throws -> TieredTestApp {
        let base = try await TestApp.make()
        let cold = try await SeaweedProcess.shared().makeFreshStore()
        var dependencies = AppDependencies(database: base.client, logger: TestDatabase.logger, blobs: base.blobs, signingKeys: TestApp.signingKeys)
        let metrics = dependencies.metrics
        let blobs = TieredBlobStore(hot: base.blobs, cold: cold) { metrics.recordBlobRead(from: $0) }
        dependencies.blobs = blobs
        let app = TestApp(configuration: base.configuration, database: base.database, client: base.client, blobs: blobs)
        return TieredTestApp(app: app, blobs: blobs, dependencies: dependencies)
    }

    var files: FileStore { FileStore(client: app.client, logger: TestDatabase.logger) }

    /// One lifecycle run under `policy`.
    func runLifecycle(_ policy: BlobLifecycle.Policy) async throws -> BlobLifecycle.Report {
        try await BlobLifecycle(files: files, blobs: blobs, policy: policy, logger: TestDatabase.logger).run()
    }

    /// Runs `body` with an upload client, a `FileProcessor` draining the queue as in
    /// ``withPipeline(live:store:_:)``, and this app's router with its metrics.
    static func withPipeline(_ body: @Sendable @escaping (UploadClient, TieredTestApp) async throws -> Void) async throws {
        let tiers = try await make()
        let key = try await tiers.app.makeKey()
        let application = Application(
            router: buildRouter(configuration: tiers.app.configuration, dependencies: tiers.dependencies, catalogue: tiers.app.catalogue),
            services: [tiers.app.client],
            logger: TestDatabase.logger
        )
        try await application.test(.router) { client in
            let processor = FileProcessor(files: tiers.files, blobs: tiers.blobs, logger: TestDatabase.logger)
            let worker = JobWorker(
                queue: JobQueue(client: tiers.app.client, logger: TestDatabase.logger), client: tiers.app.client, handler: processor,
                name: "tiers-test", pollInterval: .seconds(1), logger: TestDatabase.logger
            )
            let running = Task { try await worker.run() }
            defer { running.cancel() }
            try await body(UploadClient(client: client, key: key), tiers)
            running.cancel()
            _ = await running.result
        }
    }
}

extension UploadClient {
    /// Uploads `sample` and waits until it is ready; its file id.
    func uploadReady(_ sample: Sample) async throws -> String {
        let started = try await start(sample)
        _ = try await put(started.url, bytes: try sample.bytes, contentType: started.contentType)
        let ready = try await eventually(timeout: .seconds(60)) { try await file(started.fileID).json["status"] as? String == "ready" }
        guard ready else { throw UploadTestError("\(sample) did not become ready") }
        return started.fileID
    }

    /// A signed download URL (path and query) of the file.
    func downloadURL(_ fileID: String) async throws -> String {
        let response = try await client.send(.post, "/v1/files/\(fileID)/download-url", key: key, json: "{}")
        guard let url = response.json["url"] as? String else { throw UploadTestError("no download URL: \(response.status) \(response.text)") }
        return Self.pathAndQuery(url)
    }
}
