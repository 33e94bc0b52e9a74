import ArgumentParser
import Backup
import Database
import Foundation
import S3Storage

/// `grey restore --from DIR`: a backup into a fresh data directory (or empty database and store).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup folder into a fresh data directory, or an empty GREY_DATABASE_URL database and blob store.",
        discussion: "The dump's SHA-256 and the blobs' presence are checked before anything is written; every blob's SHA-256 as it is stored."
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("from"), help: "The backup folder (the one `grey backup --to` wrote).")
    var folder: String

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let blobLocation = try BlobStoreLocation(environment: options.environment, dataDirectory: options.resolvedDataDirectory)
        let restorer = BackupRestorer(folder: BackupFolder(path: folder, encryption: blobLocation.encryption), logger: logger)
        let manifest = try await restorer.verify(knownMigrations: try Migrator.bundled().migrations)

        let target = RestoreTarget(location: options.databaseLocation, blobDirectory: blobLocation.directory)
        try target.checkFreshBeforeOpening()
        try FileManager.default.createDirectory(atPath: options.resolvedDataDirectory, withIntermediateDirectories: true)
        let blobs = try blobLocation.open()
        let summary = try await target.location.withClientAndLibpq(logger: logger) { client, libpq in
            try await restorer.restore(manifest, into: target, client: client, libpq: libpq, blobs: blobs, blobsDescription: blobLocation.description)
        }
        print(summary)
    }
}
