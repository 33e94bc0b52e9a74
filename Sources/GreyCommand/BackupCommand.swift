import ArgumentParser
import Backup
import Database
import Foundation
import S3Storage

/// `grey backup --to DIR`: the database (one consistent snapshot) and every blob it refers to.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database and every blob it refers to into a folder; again into the same folder copies only new blobs.",
        discussion: "Works beside a running `grey serve`. The folder is a backup once its manifest.json exists, which is written last."
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("to"), help: "The backup folder: new, empty, or an earlier backup's.")
    var folder: String

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let location = options.databaseLocation
        if case .embedded(let dataDirectory) = location, !FileManager.default.fileExists(atPath: dataDirectory) {
            throw ValidationError("no data directory \(dataDirectory) to back up")
        }
        let blobLocation = try BlobStoreLocation(environment: options.environment, dataDirectory: options.resolvedDataDirectory)
        // The server may be writing beside us: leave its unfinished uploads alone.
        let writer = BackupWriter(
            folder: BackupFolder(path: folder, encryption: blobLocation.encryption), liveBlobs: try blobLocation.open(removingLeftovers: false),
            liveBlobsDescription: blobLocation.description, logger: logger
        )
        let summary = try await location.withClientAndLibpq(logger: logger) { client, libpq in
            try await writer.write(client: client, libpq: libpq)
        }
        print(summary)
    }
}
