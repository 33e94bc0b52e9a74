import Foundation
import Storage

extension BackupManifest {
    /// Pretty, key-sorted JSON: two backups of the same data differ only in their dates.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a manifest, refusing newer formats and malformed digests.
    static func decode(_ data: Data, folder: String) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError.unreadableManifest(folder: folder, reason: "\(error)")
        }
        guard manifest.format <= currentFormat else { throw BackupError.unsupportedFormat(manifest.format) }
        guard BlobDigest(hex: manifest.database.sha256) != nil else {
            throw BackupError.unreadableManifest(folder: folder, reason: "the dump's sha256 is not 64 lowercase hex digits")
        }
        _ = try manifest.blobInfos(folder: folder)
        return manifest
    }

    /// The blobs as digests and sizes.
    func blobInfos(folder: String) throws -> [BlobInfo] {
        try blobs.map { blob in
            guard let digest = BlobDigest(hex: blob.sha256), blob.size >= 0 else {
                throw BackupError.unreadableManifest(folder: folder, reason: "blob '\(blob.sha256)' is not a sha256 with a size")
            }
            return BlobInfo(digest: digest, size: blob.size)
        }
    }
}
