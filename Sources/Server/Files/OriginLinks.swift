import Database
import Foundation
import Ingest
import HTTPTypes
import Signing

/// Signed, expiring URLs for what the origin serves: a file's previews
/// (`GET /v1/previews/{fileId}/{kind}-{width}`) and its bytes
/// (`GET /v1/files/{fileId}/content`, with the disposition). The tenant (and the
/// disposition) are in the signed query, so a URL alone authorises one read of one thing
/// and cannot be moved to another file, preview, tenant or disposition.
struct OriginLinks: Sendable {
    /// How long a preview URL listed in a file's JSON stays valid.
    static let previewLifetime: TimeInterval = 3600
    static let previewNames: Set<String> = ["tenant"]
    static let contentNames: Set<String> = ["tenant", "disposition"]

    let signer: URLSigner
    /// The origin clients reach Grey on; nil uses the request's Host.
    let publicURL: String?

    static func previewPath(fileID: UUID, kind: FilePreview.Kind, width: Int) -> String {
        "/v1/previews/\(FileStore.identifier.format(fileID))/\(kind.rawValue)-\(width)"
    }

    static func contentPath(fileID: UUID) -> String {
        "/v1/files/\(FileStore.identifier.format(fileID))/content"
    }

    /// The preview's URL, valid for ``previewLifetime`` from `now`.
    func previewURL(for preview: FilePreview, of file: StoredFile, host: String?, now: Date = Date()) -> String {
        url(
            path: Self.previewPath(fileID: file.id, kind: preview.kind, width: preview.width),
            parameters: [("tenant", Identifier.hex(file.tenantID))], expires: now.addingTimeInterval(Self.previewLifetime), host: host
        )
    }

    /// The URL of the file's bytes with `disposition`, valid until `expires`.
    func contentURL(of file: StoredFile, disposition: Disposition, expires: Date, host: String?) -> String {
        url(
            path: Self.contentPath(fileID: file.id),
            parameters: [("tenant", Identifier.hex(file.tenantID)), ("disposition", disposition.rawValue)], expires: expires, host: host
        )
    }

    private func url(path: String, parameters: [(name: String, value: String)], expires: Date, host: String?) -> String {
        let query = signer.signedQuery(method: "GET", path: path, parameters: parameters, expires: expires)
        let base = publicURL ?? host.map { "http://\($0)" } ?? ""
        return base + path + "?" + query
    }

    /// The signed values of a request for `path`, or the 403 a client sees.
    func verify(path: String, query: String?, expected names: Set<String>) throws -> [String: String] {
        try verifyWithExpiry(path: path, query: query, expected: names).values
    }

    /// The signed values of a request for `path` and the Unix second its URL expires, or
    /// the 403 a client sees.
    func verifyWithExpiry(path: String, query: String?, expected names: Set<String>) throws -> (values: [String: String], expires: Int64) {
        let pairs = QueryString.decoded(query)
        do {
            let values = try signer.verify(method: "GET", path: path, query: pairs, expected: names)
            // A verified URL carries exactly one expiry, a number.
            return (values, pairs.first { $0.name == "expires" }.flatMap { Int64($0.value) } ?? 0)
        } catch .expired {
            throw APIError(status: .forbidden, code: "url_expired", detail: "This URL has expired; ask for a new one.")
        } catch {
            throw APIError(status: .forbidden, code: "bad_signature", detail: "This URL's signature does not hold.")
        }
    }
}

/// How a browser should treat downloaded bytes.
enum Disposition: String, Decodable, Sendable {
    case inline, attachment
}
