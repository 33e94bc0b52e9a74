public import Logging
public import PostgresNIO

extension PostgresClient {
    /// Runs `body` with a client that is running for exactly as long as `body` does;
    /// for commands and tests that are not part of a service group.
    @discardableResult
    public static func withRunning<Result: Sendable>(
        configuration: PostgresClient.Configuration,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = StartupGate()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                running.open()
                await client.run()
            }
            defer { group.cancelAll() }
            // Leases taken before the client runs are queued, and PostgresNIO warns of each.
            guard await running.passed() else { throw CancellationError() }
            return try await body(client)
        }
    }
}
