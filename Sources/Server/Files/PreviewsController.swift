import Database
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NIOCore
import Origin
import Signing
import Storage

/// `GET` and `HEAD /v1/previews/{fileId}/{kind}-{width}`: a preview's bytes, authorised by
/// the URL's signature alone, answered by the Origin's ``ReadPlan`` (validators, ranges,
/// 304 and 416). Previews are content-addressed and never change, so the ETag is their SHA-256.
struct PreviewsController {
    let files: FileStore
    let blobs: any BlobStore
    let links: OriginLinks
    let cache: ReadyFileCache

    func addRoutes(to open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        open.readRoute("/v1/previews/{fileId}/{name}", in: catalogue) { request, context in
            try await read(request, context: context)
        }
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fileID = context.parameters.get("fileId") ?? ""
        let name = context.parameters.get("name") ?? ""
        let values = try links.verify(path: "/v1/previews/\(fileID)/\(name)", query: request.uri.query, expected: OriginLinks.previewNames)
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let kind = FilePreview.Kind(rawValue: String(parts[0])), let width = Int(parts[1]),
              let id = FileStore.identifier.parse(fileID), let tenantID = values["tenant"].flatMap(Identifier.uuid(hex:)),
              let file = try await cache.file(tenantID: tenantID, id: id, load: { try await files.file(tenantID: tenantID, id: id) }),
              let preview = file.previews.first(where: { $0.kind == kind && $0.width == width })
        else { throw APIError.notFound("No such preview.") }

        let representation = Representation(
            size: preview.size, entityTag: EntityTag(opaque: preview.sha256.hex), lastModified: Int64(file.createdAt.timeIntervalSince1970),
            contentType: preview.contentType
        )
        let plan = ReadPlan(ReadRequest(request, isHead: request.method == .head), for: representation, boundary: preview.sha256.hex)
        return try await Response.origin(plan, digest: preview.sha256, blobs: blobs, fields: [
            .cacheControl: "private, max-age=3600", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ])
    }
}
