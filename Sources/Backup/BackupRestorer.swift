public import Database
import Foundation
public import Logging
public import PostgresNIO
public import Storage

/// Restores a backup folder (see ``BackupFolder``) into a fresh database and blob store.
///
/// ``verify(knownMigrations:)`` reads everything it can before anything is written: a
/// damaged dump or a missing blob stops the restore while the target is untouched. Then
/// ``restore(_:into:client:libpq:blobs:blobsDescription:)`` loads the dump in one
/// transaction and stores every blob, the store checking each one's SHA-256.
public struct BackupRestorer: Sendable {
    public let folder: BackupFolder
    public let logger: Logger

    public init(folder: BackupFolder, logger: Logger) {
        self.folder = folder
        self.logger = logger
    }

    /// The folder's manifest, once the dump's size and SHA-256 match it, every blob is in
    /// the folder with its size, and this Grey knows every migration the backup applied.
    public func verify(knownMigrations: [Migration]) async throws -> BackupManifest {
        let manifest = try folder.readManifest()
        guard FileManager.default.fileExists(atPath: folder.dumpPath) else {
            throw BackupError.io(operation: "open", path: folder.dumpPath, errno: ENOENT)
        }
        let dump = try DurableFile.sha256(of: folder.dumpPath)
        guard dump.sha256 == manifest.database.sha256, dump.size == manifest.database.size else {
            throw BackupError.dumpDoesNotMatch(
                expectedSHA256: manifest.database.sha256, actualSHA256: dump.sha256,
                expectedSize: manifest.database.size, actualSize: dump.size
            )
        }
        let known = Dictionary(knownMigrations.map { ($0.version, $0.checksum) }, uniquingKeysWith: { first, _ in first })
        let unknown = manifest.migrations.filter { known[$0.version] != $0.checksum }.map(\.name)
        guard unknown.isEmpty else { throw BackupError.unknownMigrations(unknown) }

        let blobs = try manifest.blobInfos(folder: folder.path)
        if !blobs.isEmpty {
            let store = try folder.blobStore()
            for blob in blobs where try await store.head(blob.digest)?.size != blob.size {
                throw BackupError.blobMissingFromBackup(blob.digest)
            }
        }
        return manifest
    }

    /// Restores a verified backup into `target`, whose database `client` reaches and whose
    /// blob store is `blobs`; refuses a target that holds anything already.
    public func restore(
        _ manifest: BackupManifest, into target: RestoreTarget, client: PostgresClient, libpq: LibpqSettings,
        blobs: any BlobStore, blobsDescription: String
    ) async throws -> RestoreSummary {
        try await target.checkEmpty(client: client, blobs: blobs, blobsDescription: blobsDescription, logger: logger)
        let serverMajor = try await serverMajorVersion(client)
        let pgRestore = try PostgresTool.locate(
            "pg_restore", serverMajorVersion: serverMajor, minimumMajorVersion: manifest.postgres.dumpToolMajorVersion
        )
        logger.info("restoring the database", metadata: ["pg_restore": "\(pgRestore.path)"])
        try await pgRestore.run(
            [
                "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password",
                "--dbname=\(libpq.database)", folder.dumpPath,
            ],
            environment: libpq.environment()
        )

        logger.info("restoring blobs", metadata: ["blobs": "\(manifest.blobs.count)"])
        let copy: BlobCopy.Outcome
        do {
            copy = try await BlobCopy(source: try folder.blobStore(), destination: blobs).copy(manifest.blobInfos(folder: folder.path))
            if let missing = copy.missing.first { throw BackupError.blobMissingFromBackup(missing) }
        } catch {
            throw BackupError.restoreIncomplete(reason: "\(error)")
        }

        let rows = try await client.query("SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM files)", logger: logger)
        var counts: (transactions: Int64, files: Int64) = (0, 0)
        for try await row in rows.decode((Int64, Int64).self) { counts = row }
        return RestoreSummary(
            folder: folder.path, transactions: counts.transactions, files: counts.files, migrations: manifest.migrations.count,
            blobs: copy.copied + copy.alreadyPresent, blobBytes: manifest.blobs.reduce(0) { $0 + $1.size }, blobStore: blobsDescription
        )
    }

    private func serverMajorVersion(_ client: PostgresClient) async throws -> Int {
        let rows = try await client.query("SELECT current_setting('server_version_num')::int", logger: logger)
        for try await number in rows.decode(Int.self) { return number / 10000 }
        return 0
    }
}

/// What one restore put back.
public struct RestoreSummary: Sendable, CustomStringConvertible {
    public let folder: String
    public let transactions: Int64
    public let files: Int64
    public let migrations: Int
    public let blobs: Int
    public let blobBytes: Int64
    public let blobStore: String

    public var description: String {
        """
        restored \(folder): database (\(transactions) transactions, \(files) files, \(migrations) migrations)
        blobs: \(blobs) restored (\(blobBytes) bytes), each checked against its sha256, into \(blobStore)
        """
    }
}
