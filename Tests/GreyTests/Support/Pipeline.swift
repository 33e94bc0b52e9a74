import Foundation
import Ingest
import Jobs
import Preview
import Storage

/// Runs `body` with an upload client of a fresh app and a real `FileProcessor` under a
/// `JobWorker` draining its queue, as `grey-worker` would (over a real port when `live`),
/// on the blob store `store`.
func withPipeline(
    live: Bool = false, store: TestBlobStore = .fileSystem, _ body: @Sendable @escaping (UploadClient, TestApp) async throws -> Void
) async throws {
    let app = try await TestApp.make(store: store)
    let key = try await app.makeKey()
    try await app.test(live: live) { client in
        let files = FileStore(client: app.client, logger: TestDatabase.logger)
        let processor = FileProcessor(files: files, blobs: app.blobs, logger: TestDatabase.logger)
        let worker = JobWorker(
            queue: JobQueue(client: app.client, logger: TestDatabase.logger), client: app.client, handler: processor,
            name: "pipeline-test", pollInterval: .seconds(1), logger: TestDatabase.logger
        )
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await body(UploadClient(client: client, key: key), app)
        running.cancel()
        _ = await running.result
    }
}
