public import Prometheus

/// Request counts and latency by route, method and status, in Prometheus form.
public struct HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts one finished request. `route` is the matched pattern (never the raw path),
    /// which keeps the number of series bounded.
    func record(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(namespace: "grey", subsystem: "http", metricName: "requests", unitName: "total", helpText: "HTTP requests answered"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "grey", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "Time to answer an HTTP request"),
            labels: labels,
            buckets: Self.latencyBuckets
        ).record(duration)
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

    /// The exposition text served at `/metrics`.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
