import Foundation
public import Logging
public import PostgresNIO

/// Which PostgreSQL server Grey uses: its own embedded cluster, or one named by URL.
public enum DatabaseLocation: Sendable {
    /// A private cluster under the data directory (the default).
    case embedded(dataDirectory: String)
    /// A server reached by `postgres://user:password@host:port/database?sslmode=...`.
    case url(String)

    /// The location the environment asks for: `databaseURL` when set, else the embedded cluster.
    public init(databaseURL: String?, dataDirectory: String) {
        if let databaseURL, !databaseURL.isEmpty {
            self = .url(databaseURL)
        } else {
            self = .embedded(dataDirectory: dataDirectory)
        }
    }

    /// Makes the server reachable: starts the embedded cluster (holding a lease on it) and
    /// creates Grey's database there if needed.
    public func open(logger: Logger, durability: EmbeddedCluster.Durability = .durable) async throws -> OpenedDatabase {
        switch self {
        case .url(let string):
            return OpenedDatabase(configuration: try DatabaseURL.parse(string), lease: nil)
        case .embedded(let dataDirectory):
            let cluster = try EmbeddedCluster(dataDirectory: dataDirectory, durability: durability)
            let lease = try cluster.acquire(logger: logger)
            do {
                try await cluster.createDatabaseIfNeeded(EmbeddedCluster.defaultDatabase, logger: logger)
                return OpenedDatabase(configuration: cluster.clientConfiguration(), lease: lease)
            } catch {
                try? lease.release()
                throw error
            }
        }
    }
}

/// A reachable database: how to connect, and the cluster lease to give back when done.
public struct OpenedDatabase: Sendable {
    public var configuration: PostgresClient.Configuration
    public var lease: ClusterLease?
}
