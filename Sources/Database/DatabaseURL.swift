import Foundation
public import PostgresNIO

/// Parses `postgres://` URLs into client settings.
public enum DatabaseURL {
    /// Why a database URL was refused. The URL itself is never repeated: it may hold a password.
    public struct Invalid: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "GREY_DATABASE_URL is invalid: \(reason)" }
    }

    /// Reads `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`;
    /// `?host=/dir` names a Unix socket directory instead of a TCP host.
    public static func parse(_ string: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw Invalid(reason: "expected a postgres:// URL") }
        guard let user = components.user, !user.isEmpty else { throw Invalid(reason: "no user name") }
        let password = components.password
        let database = String(components.path.drop(while: { $0 == "/" }))
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)",
                username: user, password: password, database: database.isEmpty ? nil : database
            )
        }
        guard let host = components.host, !host.isEmpty else { throw Invalid(reason: "no host") }
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let other: throw Invalid(reason: "unsupported sslmode '\(other)'")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? nil : database, tls: tls
        )
    }
}
