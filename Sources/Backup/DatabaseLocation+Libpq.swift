public import Database
public import Logging
public import PostgresNIO

extension DatabaseLocation {
    /// Runs `body` with a client on the database and the settings pg_dump and pg_restore
    /// reach it with. The embedded cluster is shared with a `grey serve` running on it (each
    /// process holds a shared lease), or started for the call and stopped afterwards.
    public func withClientAndLibpq<Result: Sendable>(
        logger: Logger,
        _ body: @Sendable (PostgresClient, LibpqSettings) async throws -> Result
    ) async throws -> Result {
        let opened = try await open(logger: logger)
        defer { try? opened.lease?.release() }
        let libpq = LibpqSettings(location: self, configuration: opened.configuration)
        return try await PostgresClient.withRunning(configuration: opened.configuration, logger: logger) { client in
            try await body(client, libpq)
        }
    }
}
