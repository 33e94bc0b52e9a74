public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Forgets Idempotency-Keys older than the retention period, a bounded chunk at a time,
/// on a fixed interval. The contract promises at least 24 hours; Grey keeps keys for
/// ``defaultRetentionHours`` unless told otherwise. Deleting a key never touches the
/// ledger: it only means a later retry with that key would post again.
public struct IdempotencyKeyExpiry: Service {
    public static let defaultRetentionHours = 72

    let client: PostgresClient
    let logger: Logger
    let retentionHours: Int
    let interval: Duration

    /// - Parameter retentionHours: at least 24; smaller values are raised to 24.
    public init(client: PostgresClient, logger: Logger, retentionHours: Int = Self.defaultRetentionHours, interval: Duration = .seconds(3600)) {
        self.client = client
        self.logger = logger
        self.retentionHours = max(24, retentionHours)
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let removed = try await expireOnce()
                if removed > 0 { logger.info("idempotency keys expired", metadata: ["removed": "\(removed)"]) }
            } catch {
                logger.warning("idempotency key expiry failed; retrying later", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await gracefulShutdownSafeSleep(for: interval)
        }
    }

    /// Deletes expired keys in chunks of 10,000; returns how many went.
    @discardableResult
    public func expireOnce() async throws -> Int {
        var removed = 0
        while true {
            let rows = try await client.query(
                """
                WITH expired AS (
                    SELECT tenant_id, key FROM idempotency_keys
                    WHERE created_at < now() - \(retentionHours) * interval '1 hour'
                    LIMIT 10000
                )
                DELETE FROM idempotency_keys k USING expired
                WHERE k.tenant_id = expired.tenant_id AND k.key = expired.key
                RETURNING 1
                """,
                logger: logger
            )
            var chunk = 0
            for try await _ in rows { chunk += 1 }
            removed += chunk
            if chunk < 10000 { return removed }
        }
    }

    private func gracefulShutdownSafeSleep(for duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
