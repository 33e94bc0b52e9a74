public import Foundation

/// What a backup folder holds, written last: a folder without `manifest.json` is not a
/// backup. Blobs are named by their SHA-256 in lowercase hex, as everywhere in Grey.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The format this Grey writes, and the newest it reads.
    public static let currentFormat = 1
    public static let fileName = "manifest.json"

    public var format: Int
    public var createdAt: Date
    public var postgres: PostgresVersions
    /// `schema_migrations` as the snapshot saw it.
    public var migrations: [AppliedMigration]
    public var database: DumpFile
    /// Every blob the database refers to, by digest.
    public var blobs: [Blob]

    public struct PostgresVersions: Codable, Sendable, Equatable {
        /// The server's `server_version` when the backup was taken.
        public var server: String
        /// The major version of the pg_dump that wrote the dump: pg_restore must be as new.
        public var dumpToolMajorVersion: Int
    }

    public struct AppliedMigration: Codable, Sendable, Equatable {
        public var version: Int
        public var name: String
        public var checksum: String
    }

    public struct DumpFile: Codable, Sendable, Equatable {
        /// The file's name inside the folder.
        public var file: String
        public var sha256: String
        public var size: Int64
    }

    public struct Blob: Codable, Sendable, Equatable {
        public var sha256: String
        public var size: Int64
    }
}
