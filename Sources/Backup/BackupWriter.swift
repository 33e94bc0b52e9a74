import Foundation
public import Logging
public import PostgresNIO
public import Storage

/// Writes a backup of Grey into a folder (see ``BackupFolder``): the database from one
/// snapshot, every blob it refers to, then the manifest.
///
/// Backing up into the folder of an earlier backup copies only the blobs it lacks. That
/// earlier backup stays whole until the new dump is complete and every blob is in
/// place; only then is its manifest removed, the dump replaced and the new manifest
/// written, so an interrupted run leaves either a backup or a folder without a manifest.
public struct BackupWriter: Sendable {
    public let folder: BackupFolder
    /// The store the running Grey keeps its blobs in.
    public let liveBlobs: any BlobStore
    /// How the live store is named in messages (never with credentials).
    public let liveBlobsDescription: String
    public let logger: Logger

    public init(folder: BackupFolder, liveBlobs: any BlobStore, liveBlobsDescription: String, logger: Logger) {
        self.folder = folder
        self.liveBlobs = liveBlobs
        self.liveBlobsDescription = liveBlobsDescription
        self.logger = logger
    }

    /// Takes the backup. Fails, writing no manifest, when a blob the database refers to is
    /// missing from the live store.
    public func write(client: PostgresClient, libpq: LibpqSettings) async throws -> BackupSummary {
        try folder.checkWritable()
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let backupBlobs = try folder.blobStore(removingLeftovers: true)
        let pending = folder.pendingDumpPath
        do {
            let snapshot = try await DatabaseSnapshot.take(client: client, libpq: libpq, dumpingTo: pending, logger: logger)
            logger.info("copying blobs", metadata: ["blobs": "\(snapshot.blobs.count)"])
            let copy = try await BlobCopy(source: liveBlobs, destination: backupBlobs).copy(snapshot.blobs)
            guard copy.missing.isEmpty else { throw BackupError.blobsMissingFromStore(copy.missing, store: liveBlobsDescription) }
            let dump = try DurableFile.sha256(of: pending)

            try DurableFile.remove(folder.manifestPath)
            try DurableFile.move(pending, to: folder.dumpPath)
            let manifest = BackupManifest(
                format: BackupManifest.currentFormat,
                createdAt: Date(),
                postgres: .init(server: snapshot.serverVersion, dumpToolMajorVersion: snapshot.dumpToolMajorVersion),
                migrations: snapshot.migrations,
                database: .init(file: BackupFolder.dumpFileName, sha256: dump.sha256, size: dump.size),
                blobs: snapshot.blobs.map { .init(sha256: $0.digest.hex, size: $0.size) }
            )
            try DurableFile.replace(folder.manifestPath, with: try manifest.encoded())
            return BackupSummary(folder: folder.path, manifest: manifest, copied: copy)
        } catch {
            try? FileManager.default.removeItem(atPath: pending)
            throw error
        }
    }
}

/// What one backup wrote.
public struct BackupSummary: Sendable, CustomStringConvertible {
    public let folder: String
    public let manifest: BackupManifest
    public let copiedBlobs: Int
    public let copiedBytes: Int64
    public let blobsAlreadyPresent: Int

    init(folder: String, manifest: BackupManifest, copied: BlobCopy.Outcome) {
        self.folder = folder
        self.manifest = manifest
        self.copiedBlobs = copied.copied
        self.copiedBytes = copied.copiedBytes
        self.blobsAlreadyPresent = copied.alreadyPresent
    }

    /// Two lines: the database dump, then the blobs.
    public var description: String {
        """
        backup written to \(folder): database.dump \(manifest.database.size) bytes (sha256 \(manifest.database.sha256), \(manifest.migrations.count) migrations)
        blobs: \(manifest.blobs.count) referenced, \(copiedBlobs) copied (\(copiedBytes) bytes), \(blobsAlreadyPresent) already in the backup
        """
    }
}
