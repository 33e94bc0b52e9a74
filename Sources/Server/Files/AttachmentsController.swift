import Database
import Foundation
import Hummingbird
import Ingest
import LedgerLink
import Tenancy

/// `/v1/transactions/{transactionId}/attachments`: the receipts linked to a posted
/// transaction. Linking and unlinking are audited; unlinking keeps the file.
struct AttachmentsController {
    struct Attach: Decodable {
        var fileId: String
    }

    let files: FileStore
    let ledger: Ledger
    let links: OriginLinks

    func addRoutes(to api: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        api.route(.post, "/v1/transactions/{transactionId}/attachments", in: catalogue) { request, context in
            try context.require(.filesWrite)
            let transactionID = try context.id("transactionId", Ledger.transactionIdentifier, what: "transaction")
            let input = try await request.decodeJSON(as: Attach.self)
            guard let fileID = FileStore.identifier.parse(input.fileId) else { throw APIError.notFound("No file with this id.") }
            let file = try await files.attach(fileID: fileID, to: transactionID, tenantID: context.tenant.id, by: context.actor)
            return JSONResponse(status: .created, body: FileBody(file, links: links, host: request.head.authority))
        }
        api.route(.get, "/v1/transactions/{transactionId}/attachments", in: catalogue) { request, context in
            try context.require(.filesRead)
            let transactionID = try context.id("transactionId", Ledger.transactionIdentifier, what: "transaction")
            guard try await ledger.transaction(tenantID: context.tenant.id, id: transactionID) != nil else {
                throw APIError.notFound("No transaction with this id.")
            }
            let attached = try await files.attachments(of: transactionID, tenantID: context.tenant.id)
            return JSONResponse(body: PageBody(
                data: attached.map { FileBody($0, links: links, host: request.head.authority) }, nextCursor: nil
            ))
        }
        api.route(.delete, "/v1/transactions/{transactionId}/attachments/{fileId}", in: catalogue) { _, context in
            try context.require(.filesWrite)
            let transactionID = try context.id("transactionId", Ledger.transactionIdentifier, what: "transaction")
            let fileID = try context.id("fileId", FileStore.identifier, what: "file")
            guard try await files.detach(fileID: fileID, from: transactionID, tenantID: context.tenant.id, by: context.actor) else {
                throw AttachmentError.notAttached
            }
            return Response(status: .noContent)
        }
    }
}
