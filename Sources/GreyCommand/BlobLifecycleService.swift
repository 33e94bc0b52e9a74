import Ingest
import Logging
import Server
import ServiceLifecycle

/// Runs the blob lifecycle inside `grey serve` on a fixed interval, the first run one
/// interval after the start (migrations are applied by then), and reports each run in
/// the metrics. A run stopped by shutdown is finished by the next one.
struct BlobLifecycleService: Service {
    let lifecycle: BlobLifecycle
    let files: FileStore
    let metrics: HTTPMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            do {
                let report = try await cancelWhenGracefulShutdown { try await lifecycle.run() }
                metrics.recordBlobDemotions(blobs: report.demoted, bytes: report.demotedBytes)
                metrics.recordHotTierBytes(try await files.hotTierBytes())
            } catch is CancellationError {
                return
            } catch {
                logger.warning("the blob lifecycle failed; retrying later", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
