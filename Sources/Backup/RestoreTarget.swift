public import Database
import Foundation
import Logging
import PostgresNIO
import Storage

/// Where a restore writes, and the checks that it holds no Grey data yet: a restore never
/// mixes a backup into live data.
public struct RestoreTarget: Sendable {
    public let location: DatabaseLocation
    /// The directory of a filesystem blob store; nil for a remote store.
    public let blobDirectory: String?

    public init(location: DatabaseLocation, blobDirectory: String?) {
        self.location = location
        self.blobDirectory = blobDirectory
    }

    /// Refuses, before anything is created, a data directory that already has an embedded
    /// cluster, or a blob directory that already holds blobs.
    public func checkFreshBeforeOpening() throws {
        let fileManager = FileManager.default
        if case .embedded(let dataDirectory) = location, fileManager.fileExists(atPath: dataDirectory + "/postgres") {
            throw BackupError.targetNotFresh("\(dataDirectory) already has an embedded database (\(dataDirectory)/postgres)")
        }
        if let blobDirectory, let entries = try? fileManager.contentsOfDirectory(atPath: blobDirectory + "/blobs"), !entries.isEmpty {
            throw BackupError.targetNotFresh("\(blobDirectory) already holds blobs")
        }
    }

    /// Refuses, once both are open, a database with any table or a blob store with any blob
    /// (a `GREY_DATABASE_URL` database, or a bucket, that is already in use).
    func checkEmpty(client: PostgresClient, blobs: any BlobStore, blobsDescription: String, logger: Logger) async throws {
        let rows = try await client.query(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
            logger: logger
        )
        for try await tables in rows.decode(Int64.self) where tables > 0 {
            throw BackupError.targetNotFresh("the database already has \(tables) table(s)")
        }
        guard try await blobs.list().isEmpty else {
            throw BackupError.targetNotFresh("the blob store \(blobsDescription) already holds blobs")
        }
    }
}
