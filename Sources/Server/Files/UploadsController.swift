import Foundation
import Hummingbird
import Database
import Ingest
import LedgerLink
import Storage
import Tenancy

/// `POST /v1/uploads` (an API key declares a file and gets a signed URL) and
/// `PUT /v1/uploads/{fileId}` (the bytes, authorised by the URL's signature alone).
struct UploadsController {
    let uploads: Uploads
    /// The origin clients reach Grey on, for absolute upload URLs; nil uses the request's Host.
    let publicURL: String?
    let links: OriginLinks

    struct Declare: Decodable {
        var filename: String
        var contentType: String
        var size: Int64
        var sha256: String
        var transactionId: String?
    }

    func addRoutes(to api: RouterGroup<TenantRequestContext>, open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        api.route(.post, "/v1/uploads", in: catalogue) { request, context in
            try context.require(.filesWrite)
            let input = try await request.decodeJSON(as: Declare.self)
            let transactionID = try input.transactionId.map { text in
                guard let id = Ledger.transactionIdentifier.parse(text) else { throw APIError.notFound("No transaction with this id.") }
                return id
            }
            let (file, upload) = try await uploads.start(
                tenantID: context.tenant.id,
                Uploads.Declaration(
                    filename: input.filename, contentType: input.contentType, size: input.size, sha256: input.sha256, transactionID: transactionID
                ),
                by: context.actor
            )
            let base = publicURL ?? request.head.authority.map { "http://\($0)" } ?? ""
            return JSONResponse(status: .created, body: UploadBody(
                fileId: FileStore.identifier.format(file.id), file: FileBody(file, links: links, host: request.head.authority),
                upload: .init(method: upload.method, url: base + upload.url, headers: upload.headers, expiresAt: upload.expiresAt)
            ))
        }
        open.route(.put, "/v1/uploads/{fileId}", in: catalogue) { request, context in
            let fileID = context.parameters.get("fileId") ?? ""
            let file = try await uploads.receive(
                fileID: fileID, query: QueryString.decoded(request.uri.query), contentType: request.headers[.contentType],
                contentLength: request.headers[.contentLength].flatMap { Int64($0) }, body: request.body, requestID: context.requestID
            )
            return JSONResponse(status: .created, body: FileBody(file, links: links, host: request.head.authority))
        }
    }
}
