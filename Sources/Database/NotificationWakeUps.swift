public import Logging
public import PostgresNIO
import ServiceLifecycle

/// Runs `work` once at the start, again on every NOTIFY on `channel`, and at least every
/// `pollInterval` (for what becomes due by time, or when the listening connection is
/// lost), until the task is cancelled or the service group shuts down gracefully. A burst
/// of notifications during one run causes one more run, not one per notification.
public func runOnNotifications(
    channel: String, pollInterval: Duration, client: PostgresClient, logger: Logger, _ work: @Sendable () async -> Void
) async {
    let (wakeUps, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    await withDiscardingTaskGroup { group in
        group.addTask { await listen(on: channel, client: client, logger: logger, wake: wake) }
        group.addTask {
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                wake.yield()
            }
        }
        wake.yield()
        for await _ in wakeUps.cancelOnGracefulShutdown() {
            await work()
        }
        group.cancelAll()
    }
}

/// Yields on every notification; reconnects a second after losing the connection.
private func listen(on channel: String, client: PostgresClient, logger: Logger, wake: AsyncStream<Void>.Continuation) async {
    while !Task.isCancelled {
        do {
            try await client.withConnection { connection in
                try await connection.listen(on: channel) { notifications in
                    wake.yield()
                    for try await _ in notifications { wake.yield() }
                }
            }
        } catch {
            if Task.isCancelled { return }
            logger.warning("listener lost its connection; polling until it is back", metadata: ["channel": "\(channel)", "error": "\(String(reflecting: error))"])
        }
        try? await Task.sleep(for: .seconds(1))
    }
}
