import Crypto
import Foundation
public import Logging
public import PostgresNIO

/// One numbered SQL file from `Migrations/`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file, recorded so a file changed after it ran is noticed.
    public let checksum: String
}

/// Why migrations could not be applied.
public enum MigrationError: Error, CustomStringConvertible {
    case missingResources
    case badFileName(String)
    case duplicateVersion(Int)
    case changedAfterApplied(version: Int, name: String)

    public var description: String {
        switch self {
        case .missingResources: "the Migrations resource folder is missing from this build"
        case .badFileName(let name): "migration file '\(name)' must be named NNNN_description.sql"
        case .duplicateVersion(let version): "two migration files share version \(version)"
        case .changedAfterApplied(let version, let name):
            "migration \(version) (\(name)) was changed after it was applied; add a new migration instead"
        }
    }
}

/// Applies the SQL files in `Migrations/` in order, once each, recording them in
/// `schema_migrations`.
///
/// Everything runs in one transaction under an advisory lock, so concurrent starts apply
/// each file once and a failing file leaves the schema as it was.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    /// An arbitrary constant that names Grey's migration lock among advisory locks.
    static let lockKey: Int64 = 0x6772_6579_6d69_67

    public init(migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
        self.migrations = sorted
    }

    /// The migrations shipped with this build.
    public static func bundled() throws -> Migrator {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingResources
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        let migrations = try names.map { name -> Migration in
            guard let version = name.split(separator: "_").first.flatMap({ Int($0) }) else {
                throw MigrationError.badFileName(name)
            }
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return Migration(version: version, name: name, sql: String(decoding: data, as: UTF8.self), checksum: checksum)
        }
        return try Migrator(migrations: migrations)
    }

    /// Applies what has not been applied yet and returns those migrations.
    @discardableResult
    public func apply(on client: PostgresClient, logger: Logger) async throws -> [Migration] {
        do {
            return try await applyInTransaction(on: client, logger: logger)
        } catch let error as PostgresTransactionError {
            // Report what went wrong inside, not the transaction wrapper around it.
            throw error.closureError ?? error
        }
    }

    private func applyInTransaction(on client: PostgresClient, logger: Logger) async throws -> [Migration] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied: [Int: String] = [:]
            let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
            for try await (version, checksum) in rows.decode((Int, String).self) {
                applied[version] = checksum
            }
            var ran: [Migration] = []
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw MigrationError.changedAfterApplied(version: migration.version, name: migration.name)
                    }
                    continue
                }
                logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """,
                    logger: logger
                )
                ran.append(migration)
            }
            let known = Set(migrations.map(\.version))
            for version in applied.keys where !known.contains(version) {
                logger.warning("database has a migration this build does not know", metadata: ["version": "\(version)"])
            }
            return ran
        }
    }
}
