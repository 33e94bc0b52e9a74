public import Prometheus
public import Storage
import LedgerLink
import Synchronization

/// Request counts and latency by route, method and status, in Prometheus form.
public struct HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The request series made so far: the registry looks a series up by building and
    /// hashing its full name and labels, which was a few per cent of a small read.
    private let requestSeries = RequestSeriesMemo()

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts one finished request. `route` is the matched pattern (never the raw path),
    /// which keeps the number of series bounded.
    func record(route: String, method: String, status: Int, duration: Duration) {
        series(route: route, method: method, status: status).record(duration)
    }

    /// The series of one route, method and status, made on first use; a caller that
    /// answers many requests keeps it to record without a lookup.
    func series(route: String, method: String, status: Int) -> RequestSeriesRecorder {
        let key = RequestSeries(route: route, method: method, status: status)
        return requestSeries.made.withLock { made in
            if let series = made[key] { return series }
            let labels = [("route", route), ("method", method), ("status", String(status))]
            let series = RequestSeriesRecorder(
                registry.makeCounter(
                    descriptor: .init(namespace: "grey", subsystem: "http", metricName: "requests", unitName: "total", helpText: "HTTP requests answered"),
                    labels: labels
                ),
                registry.makeDurationHistogram(
                    descriptor: .init(namespace: "grey", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "Time to answer an HTTP request"),
                    labels: labels,
                    buckets: Self.latencyBuckets
                )
            )
            made[key] = series
            return series
        }
    }

    fileprivate struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// Counts one posting batch by the path it took.
    func recordPostingBatch(_ path: PostingPath) {
        registry.makeCounter(
            descriptor: .init(namespace: "grey", subsystem: "ledger", metricName: "posting_batches", unitName: "total", helpText: "Posting batches by the path they took"),
            labels: [("path", path.rawValue)]
        ).increment()
    }

    /// Sets the number of jobs in each state (read from the queue at each scrape).
    func recordJobCounts(_ counts: [String: Int]) {
        for (state, count) in counts {
            registry.makeGauge(
                descriptor: .init(namespace: "grey", subsystem: "jobs", metricName: "in_state", helpText: "Background jobs by state"),
                labels: [("state", state)]
            ).set(Int64(count))
        }
    }

    /// Sets the number of queued jobs that failed at least once (waiting for a retry).
    func recordRetryingJobs(_ count: Int) {
        registry.makeGauge(
            descriptor: .init(namespace: "grey", subsystem: "jobs", metricName: "retrying", helpText: "Queued jobs that failed before and wait for a retry")
        ).set(Int64(count))
    }

    /// Sets the audit events waiting for the sealer and the age of the oldest.
    func recordAuditBacklog(events: Int, oldestSeconds: Double) {
        registry.makeGauge(
            descriptor: .init(namespace: "grey", subsystem: "audit", metricName: "unsealed_events", helpText: "Audit events recorded but not yet in their tenant's chain")
        ).set(Int64(events))
        registry.makeGauge(
            descriptor: .init(namespace: "grey", subsystem: "audit", metricName: "oldest_unsealed", unitName: "seconds", helpText: "Age of the oldest audit event not yet sealed")
        ).set(oldestSeconds)
    }

    static let readyBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]

    /// Observes one file's time from the end of its upload to `ready` or `rejected`.
    func recordSettlement(outcome: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "grey", subsystem: "files", metricName: "upload_to_settled", unitName: "seconds", helpText: "Time from the end of an upload to ready or rejected"),
            labels: [("outcome", outcome)],
            buckets: Self.readyBuckets
        ).record(duration)
    }

    /// Counts one blob read that failed its integrity check.
    func recordBlobIntegrityFailure() {
        registry.makeCounter(
            descriptor: .init(
                namespace: "grey", subsystem: "blob", metricName: "integrity_failures", unitName: "total",
                helpText: "Blob reads refused because the stored bytes failed their integrity check"
            )
        ).increment()
    }

    /// Counts one blob read served by `tier` of a ``TieredBlobStore``.
    public func recordBlobRead(from tier: BlobTier) {
        registry.makeCounter(
            descriptor: .init(namespace: "grey", subsystem: "blob_tier", metricName: "reads", unitName: "total", helpText: "Blob reads by the tier that served them"),
            labels: [("tier", tier.rawValue)]
        ).increment()
    }

    /// Counts the blobs the lifecycle moved to the cold tier, and their bytes.
    public func recordBlobDemotions(blobs: Int, bytes: Int64) {
        registry.makeCounter(
            descriptor: .init(namespace: "grey", subsystem: "blob_tier", metricName: "demoted_blobs", unitName: "total", helpText: "Blobs moved from the hot tier to the cold one")
        ).increment(by: Int64(blobs))
        registry.makeCounter(
            descriptor: .init(namespace: "grey", subsystem: "blob_tier", metricName: "demoted_bytes", unitName: "total", helpText: "Bytes moved from the hot tier to the cold one")
        ).increment(by: bytes)
    }

    /// Sets the bytes the hot tier holds for files, as the lifecycle last counted them.
    public func recordHotTierBytes(_ bytes: Int64) {
        registry.makeGauge(
            descriptor: .init(namespace: "grey", subsystem: "blob_tier", metricName: "hot", unitName: "bytes", helpText: "Bytes of originals and previews in the hot tier, at the lifecycle's last run")
        ).set(bytes)
    }

    /// The exposition text served at `/metrics`.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// The request series ``HTTPMetrics`` has made, by their labels.
private final class RequestSeriesMemo: Sendable {
    let made = Mutex<[HTTPMetrics.RequestSeries: RequestSeriesRecorder]>([:])
}

/// The request counter and latency histogram of one route, method and status.
struct RequestSeriesRecorder: Sendable {
    let counter: Counter
    let histogram: DurationHistogram

    init(_ counter: Counter, _ histogram: DurationHistogram) {
        self.counter = counter
        self.histogram = histogram
    }

    /// Counts one request that took `duration`.
    func record(_ duration: Duration) {
        counter.increment()
        histogram.record(duration)
    }
}
