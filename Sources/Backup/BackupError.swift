import Foundation
public import Storage

/// Why a backup or a restore stopped. Each message names what to look at; none repeats a
/// database URL or any other secret.
public enum BackupError: Error, CustomStringConvertible {
    /// The folder has no manifest.json: it is not a (finished) backup.
    case notABackup(folder: String)
    /// The folder to back up into holds files that are not a backup's.
    case foreignFolder(folder: String, entries: [String])
    /// manifest.json could not be read as a manifest.
    case unreadableManifest(folder: String, reason: String)
    /// The manifest's format is newer than this Grey reads.
    case unsupportedFormat(Int)
    /// database.dump is not the file the manifest describes.
    case dumpDoesNotMatch(expectedSHA256: String, actualSHA256: String, expectedSize: Int64, actualSize: Int64)
    /// A blob the manifest lists is absent from the backup folder, or has another size.
    case blobMissingFromBackup(BlobDigest)
    /// Blobs the database refers to are absent from the live store.
    case blobsMissingFromStore([BlobDigest], store: String)
    /// Copying one blob failed (a digest mismatch, an I/O error).
    case blobCopyFailed(BlobDigest, reason: String)
    /// The database was restored but its blobs could not all be stored.
    case restoreIncomplete(reason: String)
    /// The backup holds migrations this Grey does not know, or knows with other contents.
    case unknownMigrations([String])
    /// The database to back up has no Grey tables.
    case noGreyDatabase
    /// The restore target already holds data.
    case targetNotFresh(String)
    /// No pg_dump or pg_restore recent enough for the server.
    case toolNotFound(name: String, minimumMajorVersion: Int)
    /// pg_dump or pg_restore exited with an error.
    case toolFailed(name: String, status: Int32, output: String)
    /// A system call on a backup file failed.
    case io(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .notABackup(let folder):
            "\(folder) is not a backup: it has no manifest.json (a backup that did not finish has none)"
        case .foreignFolder(let folder, let entries):
            "refusing to write a backup into \(folder): it holds other files (\(entries.prefix(5).joined(separator: ", "))); name a new or empty folder, or an earlier backup's"
        case .unreadableManifest(let folder, let reason):
            "\(folder)/manifest.json cannot be read: \(reason)"
        case .unsupportedFormat(let format):
            "the backup's format \(format) is newer than this Grey reads (\(BackupManifest.currentFormat))"
        case .dumpDoesNotMatch(let expected, let actual, let expectedSize, let actualSize):
            "database.dump does not match the manifest (sha256 \(actual), \(actualSize) bytes; expected \(expected), \(expectedSize) bytes): the backup is damaged"
        case .blobMissingFromBackup(let digest):
            "the backup lacks blob \(digest) (or holds it with another size): the backup is damaged"
        case .blobsMissingFromStore(let digests, let store):
            "the database refers to \(digests.count) blob(s) missing from the blob store \(store): "
                + digests.prefix(10).map(\.hex).joined(separator: ", ") + (digests.count > 10 ? ", …" : "")
                + "; no backup was written"
        case .blobCopyFailed(let digest, let reason):
            "copying blob \(digest) failed: \(reason)"
        case .restoreIncomplete(let reason):
            "the restore stopped after the database was loaded: \(reason); the target is incomplete, so empty it before restoring again"
        case .unknownMigrations(let names):
            "the backup's schema has migrations this Grey does not know (or knows with other contents): \(names.joined(separator: ", ")); restore it with the Grey that made it"
        case .noGreyDatabase:
            "the database has no Grey tables (no schema_migrations): nothing to back up"
        case .targetNotFresh(let reason):
            "refusing to restore: \(reason); restore into a new data directory (or an empty database and blob store)"
        case .toolNotFound(let name, let major):
            "\(name) \(major) or newer not found under /usr/lib/postgresql/*/bin nor on PATH; install the PostgreSQL client programs of the server's version"
        case .toolFailed(let name, let status, let output):
            "\(name) exited with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .io(let operation, let path, let code):
            "\(operation)(\(path)) failed: \(String(cString: strerror(code)))"
        }
    }
}
