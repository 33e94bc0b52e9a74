import Database
import Foundation
import Ingest
import Signing

/// Signed, expiring URLs for a file's previews: `GET /v1/previews/{fileId}/{kind}-{width}`
/// with the tenant in the signed query, so the URL alone authorises the read and cannot
/// be moved to another file, preview or tenant.
struct PreviewLinks: Sendable {
    static let lifetime: TimeInterval = 3600
    static let signedNames: Set<String> = ["tenant"]

    let signer: URLSigner
    /// The origin clients reach Grey on; nil uses the request's Host.
    let publicURL: String?

    static func path(fileID: UUID, kind: FilePreview.Kind, width: Int) -> String {
        "/v1/previews/\(FileStore.identifier.format(fileID))/\(kind.rawValue)-\(width)"
    }

    /// The preview's URL, valid for ``lifetime`` from `now`.
    func url(for preview: FilePreview, of file: StoredFile, host: String?, now: Date = Date()) -> String {
        let path = Self.path(fileID: file.id, kind: preview.kind, width: preview.width)
        let query = signer.signedQuery(
            method: "GET", path: path, parameters: [("tenant", Identifier.hex(file.tenantID))], expires: now.addingTimeInterval(Self.lifetime)
        )
        let base = publicURL ?? host.map { "http://\($0)" } ?? ""
        return base + path + "?" + query
    }
}
