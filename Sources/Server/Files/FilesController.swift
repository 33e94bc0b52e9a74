import Foundation
import Hummingbird
import Database
import Ingest
import LedgerLink
import NIOCore
import Storage
import Tenancy

/// `GET /v1/files`, `GET` and `DELETE /v1/files/{fileId}`, and
/// `POST /v1/files/{fileId}/download-url`.
struct FilesController {
    /// `POST /v1/files/{fileId}/download-url`'s body; both fields optional.
    struct DownloadURLRequest: Decodable {
        var disposition: Disposition?
        var ttlSeconds: Int?
    }

    struct DownloadURLBody: Encodable, Sendable {
        var url: String
        var expiresAt: Date
    }

    /// Download URLs live 15 minutes unless asked otherwise, one day at most.
    static let defaultLifetime = 900
    static let lifetimes = 1...86_400
    /// A download-URL request body is two small fields.
    static let maximumBodySize = 4096

    let files: FileStore
    let links: OriginLinks
    let blobs: any BlobStore
    /// Forgets a deleted file at once in this process's signed reads.
    let readCache: ReadyFileCache

    func addRoutes(to api: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        api.route(.get, "/v1/files", in: catalogue) { request, context in
            try context.require(.filesRead)
            let status = try request.query("status").map { text in
                guard let status = StoredFile.Status(rawValue: text) else {
                    throw APIError.invalidRequest("Query parameter 'status' must be one of awaiting_upload, processing, ready, rejected.")
                }
                return status
            }
            let transactionID = try request.query("transactionId").map { text in
                guard let id = Ledger.transactionIdentifier.parse(text) else { throw APIError.notFound("No transaction with id '\(text.prefix(80))'.") }
                return id
            }
            let page = try await files.files(
                tenantID: context.tenant.id, transactionID: transactionID, status: status, limit: try request.pageLimit(), cursor: request.query("cursor")
            )
            return JSONResponse(body: PageBody(
                data: page.files.map { FileBody($0, links: links, host: request.head.authority) }, nextCursor: page.nextCursor
            ))
        }
        api.route(.delete, "/v1/files/{fileId}", in: catalogue) { _, context in
            try context.require(.filesWrite)
            let id = try context.id("fileId", FileStore.identifier, what: "file")
            try await files.delete(fileID: id, tenantID: context.tenant.id, by: context.actor, deletingFrom: blobs)
            readCache.evict(tenantID: context.tenant.id, id: id)
            return Response(status: .noContent)
        }
        api.route(.get, "/v1/files/{fileId}", in: catalogue) { request, context in
            try context.require(.filesRead)
            guard let id = context.parameters.get("fileId").flatMap(FileStore.identifier.parse),
                let file = try await files.file(tenantID: context.tenant.id, id: id)
            else { throw APIError.notFound("No file with this id.") }
            return JSONResponse(body: FileBody(file, links: links, host: request.head.authority))
        }
        api.route(.post, "/v1/files/{fileId}/download-url", in: catalogue) { request, context in
            try context.require(.filesRead)
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: Self.maximumBodySize)
            } catch is NIOTooManyBytesError {
                throw APIError.tooLarge(limit: Self.maximumBodySize)
            }
            let input = buffer.readableBytes == 0
                ? DownloadURLRequest()
                : try Request.decodeJSON(as: DownloadURLRequest.self, body: buffer, contentType: request.headers[.contentType])
            let lifetime = input.ttlSeconds ?? Self.defaultLifetime
            guard Self.lifetimes.contains(lifetime) else { throw APIError.invalidRequest("Field 'ttlSeconds' must be 1 to 86400.") }
            guard let id = context.parameters.get("fileId").flatMap(FileStore.identifier.parse),
                let file = try await files.file(tenantID: context.tenant.id, id: id)
            else { throw APIError.notFound("No file with this id.") }
            guard file.status == .ready else {
                throw APIError(status: .conflict, code: "not_ready", detail: "The file is \(file.status.rawValue); only a ready file can be downloaded.")
            }
            let expires = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + Double(lifetime)).rounded(.down))
            return JSONResponse(body: DownloadURLBody(
                url: links.contentURL(of: file, disposition: input.disposition ?? .attachment, expires: expires, host: request.head.authority),
                expiresAt: expires
            ))
        }
    }
}
