public import Database
import Foundation
public import PostgresNIO

/// How pg_dump and pg_restore reach the database Grey uses: libpq's environment variables
/// (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, `PGPASSWORD`), so that nothing
/// about the connection, the password least of all, appears on a command line that `ps`
/// shows.
public struct LibpqSettings: Sendable {
    let variables: [String: String]
    /// The database's name, which pg_restore also needs as `--dbname`.
    let database: String

    /// The settings of `configuration`, the client settings `location` opened; the TLS mode
    /// comes from the URL's `sslmode` (libpq's own names), and the embedded cluster's Unix
    /// socket needs none.
    public init(location: DatabaseLocation, configuration: PostgresClient.Configuration) {
        var variables = ["PGUSER": configuration.username]
        if let socket = configuration.unixSocketPath {
            let name = (socket as NSString).lastPathComponent
            variables["PGHOST"] = (socket as NSString).deletingLastPathComponent
            variables["PGPORT"] = name.hasPrefix(".s.PGSQL.") ? String(name.dropFirst(".s.PGSQL.".count)) : "5432"
            variables["PGSSLMODE"] = "disable"
        } else {
            variables["PGHOST"] = configuration.host ?? "localhost"
            variables["PGPORT"] = String(configuration.port ?? 5432)
            variables["PGSSLMODE"] = Self.sslMode(of: location)
        }
        if let password = configuration.password { variables["PGPASSWORD"] = password }
        let database = configuration.database.flatMap { $0.isEmpty ? nil : $0 } ?? configuration.username
        variables["PGDATABASE"] = database
        self.variables = variables
        self.database = database
    }

    /// `sslmode` from a `GREY_DATABASE_URL`, `prefer` (as for Grey itself) when absent.
    private static func sslMode(of location: DatabaseLocation) -> String {
        guard case .url(let string) = location, let items = URLComponents(string: string)?.queryItems,
            let mode = items.first(where: { $0.name == "sslmode" })?.value, !mode.isEmpty
        else { return "prefer" }
        return mode
    }

    /// The environment for a PostgreSQL program: this process's, without any libpq
    /// variable of its own (a `PGSERVICE` must not redirect the dump) nor Grey's settings
    /// (`GREY_DATABASE_URL` holds the password), plus these settings.
    func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        base.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("GREY_") }.merging(variables) { _, ours in ours }
    }
}
