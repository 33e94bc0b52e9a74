public import Logging
import PostgresNIO

extension EmbeddedCluster {
    /// Creates `name` on the cluster unless it exists. Names are plain identifiers
    /// (`[a-z_][a-z0-9_]*`), since CREATE DATABASE cannot take a bind parameter.
    public func createDatabaseIfNeeded(_ name: String, logger: Logger) async throws {
        let allowedFirst = Set("abcdefghijklmnopqrstuvwxyz_")
        let allowedRest = allowedFirst.union("0123456789")
        guard let first = name.first, allowedFirst.contains(first), name.count <= 63, name.allSatisfy(allowedRest.contains)
        else { throw EmbeddedClusterError.unsafeDirectory(path: name, reason: "not a plain database name") }
        try await PostgresClient.withRunning(configuration: clientConfiguration(database: "postgres"), logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in rows { return }
            do {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                // Created concurrently by another process: what we wanted.
            }
        }
    }
}
