import Foundation
public import Storage

/// The layout of a backup folder:
///
/// - `database.dump`: `pg_dump --format=custom` of Grey's database;
/// - `blobs/`: a ``FileSystemBlobStore`` holding every blob the dump refers to (encrypted
///   when the live store is);
/// - `manifest.json`: the ``BackupManifest``, written last and atomically.
public struct BackupFolder: Sendable {
    public let path: String
    /// The keys the folder's blobs are encrypted under: the live store's, so a backup of
    /// an encrypted store is encrypted too (and a restore needs the same keys).
    public let encryption: EncryptionKeyRing?

    public init(path: String, encryption: EncryptionKeyRing? = nil) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
        self.encryption = encryption
    }

    public var manifestPath: String { path + "/" + BackupManifest.fileName }
    public var dumpPath: String { path + "/" + Self.dumpFileName }
    /// Where pg_dump writes until the backup is complete.
    var pendingDumpPath: String { path + "/database.dump.partial" }
    var blobRoot: String { path + "/blobs" }

    static let dumpFileName = "database.dump"

    /// The folder's blob store (its directories are created if missing).
    ///
    /// - Parameter removingLeftovers: whether to clear what an interrupted backup left in
    ///   its staging folder; only the writer does, never a restore reading the folder.
    public func blobStore(removingLeftovers: Bool = false) throws -> FileSystemBlobStore {
        try FileSystemBlobStore(root: blobRoot, removingLeftovers: removingLeftovers, encryption: encryption)
    }

    /// The names a backup folder may hold, finished or interrupted.
    static let ownEntries: Set<String> = [
        BackupManifest.fileName, BackupManifest.fileName + ".tmp", dumpFileName, "database.dump.partial", "blobs",
    ]

    /// Refuses a folder holding anything but a backup's files, so that a mistyped `--to`
    /// never writes into (or over) unrelated files. A missing folder is fine.
    func checkWritable() throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let foreign = entries.filter { !Self.ownEntries.contains($0) }.sorted()
        guard foreign.isEmpty else { throw BackupError.foreignFolder(folder: path, entries: foreign) }
    }

    /// The manifest, or ``BackupError/notABackup(folder:)`` when there is none.
    public func readManifest() throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { throw BackupError.notABackup(folder: path) }
        return try BackupManifest.decode(data, folder: path)
    }
}
