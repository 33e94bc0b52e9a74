import Database
import Foundation
import HTTPTypes
import Hummingbird
import Ingest

/// `GET` and `HEAD /v1/files/{fileId}/content`: a ready file's bytes on a signed download
/// URL, answered by the Origin's ``ReadPlan`` (validators, every range form, 304, 412, 416),
/// typed as detected, never sniffed, and inline only for images, video, audio and PDF.
struct ContentController {
    let reads: SignedReads

    func addRoutes(to open: Router<AppRequestContext>, catalogue: RouteCatalogue) {
        open.readRoute("/v1/files/{fileId}/content", in: catalogue) { request, context in
            try await read(request, context: context)
        }
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fileID = context.parameters.get("fileId") ?? ""
        guard let (file, values) = try await reads.file(request, path: "/v1/files/\(fileID)/content", fileID: fileID, names: OriginLinks.contentNames),
              let disposition = values["disposition"].flatMap(Disposition.init(rawValue:)), file.status == .ready
        else { throw APIError.notFound("No such file.") }
        let contentType = file.detectedType ?? "application/octet-stream"
        let response = try await reads.respond(request, file: file, digest: file.sha256, size: file.size, contentType: contentType, fields: [
            .cacheControl: "private, max-age=3600, immutable",
            .contentDisposition: Self.contentDisposition(filename: file.filename, type: contentType, asked: disposition),
        ])
        if request.method == .get, response.status == .ok || response.status == .partialContent { reads.recordRead(of: file) }
        return response
    }

    /// Inline only when asked and the type is one a browser shows without running it
    /// (an image, video, audio or PDF); every other type is an attachment. The name is
    /// given twice (RFC 6266): ASCII-safe, and exact in UTF-8.
    static func contentDisposition(filename: String, type: String, asked: Disposition) -> String {
        let showable = ["image/", "video/", "audio/"].contains { type.hasPrefix($0) } || type == "application/pdf"
        let kind = asked == .inline && showable ? "inline" : "attachment"
        let encoded = PercentEncoding.encode(filename)
        // Most names (`receipt.pdf`) need neither replacing nor encoding.
        if encoded == filename { return "\(kind); filename=\"\(filename)\"; filename*=UTF-8''\(filename)" }
        let fallback = String(filename.unicodeScalars.map { scalar -> Character in
            (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        return "\(kind); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
