import Database
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Origin
import Storage

/// What the signed reads (a file's bytes, its previews) share: the URL's signature, the
/// tenant's file it names (through the ready-file cache), and the RFC 9110 answer for one
/// of its blobs, never sniffed.
struct SignedReads: Sendable {
    let files: FileStore
    let blobs: any BlobStore
    let links: OriginLinks
    let cache: ReadyFileCache
    /// Where whole files and single ranges are left for `sendfile(2)`, when the server sends them.
    let fileRegions: FileRegionHandoff?
    /// Reads of whole files, for the blob lifecycle (previews stay hot and are not noted).
    let recordedReads = FileReadRecorder()

    /// Checks the request's signature for `path` and returns its signed values and the
    /// file, if the tenant has one with the id `fileID`.
    func file(_ request: Request, path: String, fileID: String, names: Set<String>) async throws -> (file: StoredFile, values: [String: String])? {
        let values = try links.verify(path: path, query: request.uri.query, expected: names)
        guard let id = FileStore.identifier.parse(fileID), let tenantID = values["tenant"].flatMap(Identifier.uuid(hex:)),
              let file = try await cache.file(tenantID: tenantID, id: id, load: { try await files.file(tenantID: tenantID, id: id) })
        else { return nil }
        return (file, values)
    }

    /// Notes, in the background, that the file's bytes were read.
    func recordRead(of file: StoredFile) {
        recordedReads.record(tenantID: file.tenantID, id: file.id, in: files)
    }

    /// The answer for the blob `digest` of `file`: validators, ranges and conditions as
    /// RFC 9110 says, after `fields` (Cache-Control, Content-Disposition).
    func respond(
        _ request: Request, file: StoredFile, digest: BlobDigest, size: Int64, contentType: String, fields: HTTPFields
    ) async throws -> Response {
        let representation = Representation(
            size: size, entityTag: EntityTag(opaque: digest.hex), lastModified: Int64(file.createdAt.timeIntervalSince1970),
            contentType: contentType
        )
        let plan = ReadPlan(ReadRequest(request, isHead: request.method == .head), for: representation, boundary: digest.hex)
        var headers = fields
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return try await Response.origin(plan, digest: digest, blobs: blobs, fields: headers, fileRegions: fileRegions)
    }
}
