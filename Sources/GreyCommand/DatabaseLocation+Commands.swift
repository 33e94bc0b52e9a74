import Database
import Logging
import PostgresNIO

extension DatabaseLocation {
    /// Runs `body` against the database for a one-off command: the embedded cluster is
    /// started if no other process is using it, and stopped again afterwards.
    func withDatabase<Result: Sendable>(
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let opened = try await open(logger: logger)
        defer { try? opened.lease?.release() }
        return try await PostgresClient.withRunning(configuration: opened.configuration, logger: logger, body)
    }
}
