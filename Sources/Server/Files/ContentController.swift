import Database
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Origin
import Storage

/// `GET` and `HEAD /v1/files/{fileId}/content`: a ready file's bytes on a signed download
/// URL, answered by the Origin's ``ReadPlan`` (validators, every range form, 304, 412, 416),
/// typed as detected, never sniffed, and inline only for images, video, audio and PDF.
struct ContentController {
    let files: FileStore
    let blobs: any BlobStore
    let links: OriginLinks
    let cache: ReadyFileCache

    func addRoutes(to open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        open.readRoute("/v1/files/{fileId}/content", in: catalogue) { request, context in
            try await read(request, context: context)
        }
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fileID = context.parameters.get("fileId") ?? ""
        let values = try links.verify(path: "/v1/files/\(fileID)/content", query: request.uri.query, expected: OriginLinks.contentNames)
        guard let id = FileStore.identifier.parse(fileID), let tenantID = values["tenant"].flatMap(Identifier.uuid(hex:)),
              let disposition = values["disposition"].flatMap(Disposition.init(rawValue:)),
              let file = try await cache.file(tenantID: tenantID, id: id, load: { try await files.file(tenantID: tenantID, id: id) }), file.status == .ready
        else { throw APIError.notFound("No such file.") }
        let contentType = file.detectedType ?? "application/octet-stream"
        let representation = Representation(
            size: file.size, entityTag: EntityTag(opaque: file.sha256.hex), lastModified: Int64(file.createdAt.timeIntervalSince1970),
            contentType: contentType
        )
        let plan = ReadPlan(ReadRequest(request, isHead: request.method == .head), for: representation, boundary: file.sha256.hex)
        return try await Response.origin(plan, digest: file.sha256, blobs: blobs, fields: [
            .cacheControl: "private, max-age=3600, immutable",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentDisposition: Self.contentDisposition(filename: file.filename, type: contentType, asked: disposition),
        ])
    }

    /// RFC 3986's unreserved characters, ASCII only: everything else is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Inline only when asked and the type is one a browser shows without running it
    /// (an image, video, audio or PDF); every other type is an attachment. The name is
    /// given twice (RFC 6266): ASCII-safe, and exact in UTF-8.
    static func contentDisposition(filename: String, type: String, asked: Disposition) -> String {
        let showable = ["image/", "video/", "audio/"].contains { type.hasPrefix($0) } || type == "application/pdf"
        let kind = asked == .inline && showable ? "inline" : "attachment"
        let fallback = String(filename.unicodeScalars.map { scalar -> Character in
            (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? fallback
        return "\(kind); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
