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
        guard let (file, values) = try await reads.file(request, path: Self.path(fileID: fileID), fileID: fileID, names: OriginLinks.contentNames),
              let target = Self.target(of: file, values: values)
        else { throw APIError.notFound("No such file.") }
        return try await reads.respond(request, file: file, target: target)
    }

    /// The path of a file's bytes, as signed.
    static func path(fileID: String) -> String { "/v1/files/\(fileID)/content" }

    /// The file's own bytes, typed as detected and disposed as the URL's signed values
    /// ask; nil when the file is not ready or the values name no disposition.
    static func target(of file: StoredFile, values: [String: String]) -> ReadTarget? {
        guard let disposition = values["disposition"].flatMap(Disposition.init(rawValue:)), file.status == .ready else { return nil }
        let contentType = file.detectedType ?? "application/octet-stream"
        return ReadTarget(digest: file.sha256, size: file.size, contentType: contentType, fields: [
            .cacheControl: "private, max-age=3600, immutable",
            .contentDisposition: contentDisposition(filename: file.filename, type: contentType, asked: disposition),
        ], notesRead: true)
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
