import Logging
import NIOCore
import PostgresNIO
import Storage

/// One consistent view of Grey's database, taken once: a `REPEATABLE READ READ ONLY`
/// transaction exports its snapshot, pg_dump dumps the database from that very snapshot
/// while the transaction stays open, and the transaction reads the migrations and the
/// blobs the dump refers to. Writes committed meanwhile are in neither.
struct DatabaseSnapshot: Sendable {
    var serverVersion: String
    var dumpToolMajorVersion: Int
    var migrations: [BackupManifest.AppliedMigration]
    /// Every blob a file (not rejected, not awaiting its upload) or a preview names.
    var blobs: [BlobInfo]

    /// Takes the snapshot and has pg_dump write the database to `dumpPath` (custom format).
    static func take(client: PostgresClient, libpq: LibpqSettings, dumpingTo dumpPath: String, logger: Logger) async throws -> DatabaseSnapshot {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                let facts = try await readFacts(connection, logger: logger)
                guard facts.hasGreyTables else { throw BackupError.noGreyDatabase }
                let migrations = try await readMigrations(connection, logger: logger)
                let blobs = try await readReferencedBlobs(connection, logger: logger)

                let major = facts.serverVersionNumber / 10000
                let pgDump = try PostgresTool.locate("pg_dump", serverMajorVersion: major, minimumMajorVersion: major)
                logger.info("dumping the database", metadata: ["pg_dump": "\(pgDump.path)", "snapshot": "\(facts.snapshotID)"])
                try await pgDump.run(
                    ["--format=custom", "--snapshot=\(facts.snapshotID)", "--no-password", "--file=\(dumpPath)"],
                    environment: libpq.environment()
                )
                return DatabaseSnapshot(serverVersion: facts.serverVersion, dumpToolMajorVersion: pgDump.majorVersion, migrations: migrations, blobs: blobs)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// The exported snapshot's id, the server's version, and whether Grey's tables exist.
    private static func readFacts(
        _ connection: PostgresConnection, logger: Logger
    ) async throws -> (snapshotID: String, serverVersionNumber: Int, serverVersion: String, hasGreyTables: Bool) {
        let rows = try await connection.query(
            """
            SELECT pg_export_snapshot(), current_setting('server_version_num')::int, current_setting('server_version'),
                   to_regclass('schema_migrations') IS NOT NULL
            """,
            logger: logger
        )
        for try await facts in rows.decode((String, Int, String, Bool).self) { return facts }
        throw BackupError.noGreyDatabase
    }

    private static func readMigrations(_ connection: PostgresConnection, logger: Logger) async throws -> [BackupManifest.AppliedMigration] {
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version", logger: logger)
        var migrations: [BackupManifest.AppliedMigration] = []
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            migrations.append(.init(version: version, name: name, checksum: checksum))
        }
        return migrations
    }

    /// A rejected file's bytes may be gone (they are deleted unless something else names
    /// them), and a file awaiting its upload has none yet: neither is referenced.
    private static func readReferencedBlobs(_ connection: PostgresConnection, logger: Logger) async throws -> [BlobInfo] {
        let rows = try await connection.query(
            """
            SELECT sha256, size FROM files WHERE status IN ('processing', 'ready')
            UNION
            SELECT sha256, size FROM file_previews
            ORDER BY 1
            """,
            logger: logger
        )
        var blobs: [BlobInfo] = []
        for try await (sha256, size) in rows.decode((ByteBuffer, Int64).self) {
            if let digest = BlobDigest(bytes: Array(buffer: sha256)) { blobs.append(BlobInfo(digest: digest, size: size)) }
        }
        return blobs
    }
}
