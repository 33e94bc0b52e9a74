import Foundation
import Database
import Ingest
import LedgerLink
import Storage
import Tenancy

/// A file as the API shows it.
struct FileBody: Encodable, Sendable {
    struct Rejection: Encodable, Sendable {
        var code: String
        var detail: String
    }

    /// A preview of the file (made by the preview workers).
    struct Preview: Encodable, Sendable {
        var kind: String
        var width: Int
        var height: Int
        var contentType: String
        var url: String
    }

    var id: String
    var filename: String
    var declaredType: String
    var detectedType: String?
    var size: Int64
    var sha256: String
    var status: String
    var rejection: Rejection?
    var media: FileMedia?
    var previews: [Preview]
    var transactionIds: [String]
    var createdAt: Date

    /// - Parameters:
    ///   - links: signs the previews' URLs; `host` is the request's, for relative origins.
    init(_ file: StoredFile, links: OriginLinks, host: String?) {
        id = FileStore.identifier.format(file.id)
        filename = file.filename
        declaredType = file.declaredType
        detectedType = file.detectedType
        size = file.size
        sha256 = file.sha256.hex
        status = file.status.rawValue
        rejection = file.rejection.map { Rejection(code: $0.code, detail: $0.detail) }
        media = file.media == FileMedia() ? nil : file.media
        previews = file.previews.map { preview in
            Preview(
                kind: preview.kind.rawValue, width: preview.width, height: preview.height, contentType: preview.contentType,
                url: links.previewURL(for: preview, of: file, host: host)
            )
        }
        transactionIds = file.transactionIDs.map(Ledger.transactionIdentifier.format)
        createdAt = file.createdAt
    }
}

/// The answer to `POST /v1/uploads`.
struct UploadBody: Encodable, Sendable {
    struct Upload: Encodable, Sendable {
        var method: String
        var url: String
        var headers: [String: String]
        var expiresAt: Date
    }

    var fileId: String
    var file: FileBody
    var upload: Upload
}
