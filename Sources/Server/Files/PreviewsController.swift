import Database
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NIOCore
import Signing
import Storage

/// `GET /v1/previews/{fileId}/{kind}-{width}`: a preview's bytes, authorised by the URL's
/// signature alone. Previews are content-addressed and never change, so the ETag is their
/// SHA-256; ranges and the edge cache come with the Origin.
struct PreviewsController {
    let files: FileStore
    let blobs: any BlobStore
    let links: PreviewLinks

    func addRoutes(to open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        open.route(.get, "/v1/previews/{fileId}/{name}", in: catalogue) { request, context in
            let fileID = context.parameters.get("fileId") ?? ""
            let name = context.parameters.get("name") ?? ""
            let values: [String: String]
            do {
                values = try links.signer.verify(
                    method: "GET", path: "/v1/previews/\(fileID)/\(name)", query: UploadsController.decodedQuery(request.uri.query),
                    expected: PreviewLinks.signedNames
                )
            } catch URLSignatureError.expired {
                throw APIError(status: .forbidden, code: "url_expired", detail: "This preview URL has expired; read the file again for a new one.")
            } catch {
                throw APIError(status: .forbidden, code: "bad_signature", detail: "This preview URL's signature does not hold.")
            }
            let parts = name.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let kind = FilePreview.Kind(rawValue: String(parts[0])), let width = Int(parts[1]),
                  let id = FileStore.identifier.parse(fileID), let tenantID = values["tenant"].flatMap(Identifier.uuid(hex:)),
                  let file = try await files.file(tenantID: tenantID, id: id),
                  let preview = file.previews.first(where: { $0.kind == kind && $0.width == width })
            else { throw APIError.notFound("No such preview.") }

            let etag = "\"\(preview.sha256.hex)\""
            var headers: HTTPFields = [
                .contentType: preview.contentType, .eTag: etag, .cacheControl: "private, max-age=3600",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ]
            if request.headers[.ifNoneMatch].map({ $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag } }) == true {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentLength] = String(preview.size)
            let stream = try await blobs.read(preview.sha256, range: nil)
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: stream))
        }
    }
}
