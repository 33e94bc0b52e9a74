import Hummingbird
import Database
import Ingest
import Storage
import Tenancy

/// `GET /v1/files/{fileId}`.
struct FilesController {
    let files: FileStore
    let links: PreviewLinks

    func addRoutes(to api: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        api.route(.get, "/v1/files/{fileId}", in: catalogue) { request, context in
            try context.require(.filesRead)
            guard let id = context.parameters.get("fileId").flatMap(FileStore.identifier.parse),
                let file = try await files.file(tenantID: context.tenant.id, id: id)
            else { throw APIError.notFound("No file with this id.") }
            return JSONResponse(body: FileBody(file, links: links, host: request.head.authority))
        }
    }
}
