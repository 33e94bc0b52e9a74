import Foundation
import HTTPTypes
import Hummingbird
import Ingest

/// `GET` and `HEAD /v1/previews/{fileId}/{kind}-{width}`: a preview's bytes, authorised by
/// the URL's signature alone, answered by the Origin's ``ReadPlan`` (validators, ranges,
/// 304 and 416). Previews are content-addressed and never change, so the ETag is their SHA-256.
struct PreviewsController {
    let reads: SignedReads

    func addRoutes(to open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        open.readRoute("/v1/previews/{fileId}/{name}", in: catalogue) { request, context in
            try await read(request, context: context)
        }
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fileID = context.parameters.get("fileId") ?? ""
        let name = context.parameters.get("name") ?? ""
        guard let (file, _) = try await reads.file(request, path: Self.path(fileID: fileID, name: name), fileID: fileID, names: OriginLinks.previewNames),
              let target = Self.target(of: file, name: name)
        else { throw APIError.notFound("No such preview.") }
        return try await reads.respond(request, file: file, target: target)
    }

    /// The path of a preview's bytes, as signed.
    static func path(fileID: String, name: String) -> String { "/v1/previews/\(fileID)/\(name)" }

    /// The file's preview `name` (`{kind}-{width}`), if it has one.
    static func target(of file: StoredFile, name: String) -> ReadTarget? {
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let kind = FilePreview.Kind(rawValue: String(parts[0])), let width = Int(parts[1]),
              let preview = file.previews.first(where: { $0.kind == kind && $0.width == width })
        else { return nil }
        return ReadTarget(
            digest: preview.sha256, size: preview.size, contentType: preview.contentType, fields: [.cacheControl: "private, max-age=3600"],
            notesRead: false
        )
    }
}
