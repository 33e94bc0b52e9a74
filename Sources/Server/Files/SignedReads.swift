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
    /// Blob files held open after a read, for the next one.
    let openFiles = OpenBlobFiles()
    /// Read URLs whose signature held, by their exact path and query, for ``directAnswer(target:request:)``.
    let verifiedLinks = ExpiringCache<String, VerifiedRead>(capacity: 10_000, lifetime: .seconds(60))
    /// Reads of whole files, for the blob lifecycle (previews stay hot and are not noted).
    let recordedReads = FileReadRecorder()

    /// Checks the request's signature for `path` and returns its signed values and the
    /// file, if the tenant has one with the id `fileID`.
    func file(_ request: Request, path: String, fileID: String, names: Set<String>) async throws -> (file: StoredFile, values: [String: String])? {
        let values = try links.verify(path: path, query: request.uri.query, expected: names)
        guard let (tenantID, id) = Self.fileKey(values: values, fileID: fileID),
              let file = try await cache.file(tenantID: tenantID, id: id, load: { try await files.file(tenantID: tenantID, id: id) })
        else { return nil }
        return (file, values)
    }

    /// The tenant (from the signed values) and the file id (from the path) a read names.
    static func fileKey(values: [String: String], fileID: String) -> (tenantID: UUID, id: UUID)? {
        guard let id = FileStore.identifier.parse(fileID), let tenantID = values["tenant"].flatMap(Identifier.uuid(hex:)) else { return nil }
        return (tenantID, id)
    }

    /// The answer for `target` of `file`: validators, ranges and conditions as RFC 9110
    /// says, after the target's fields (Cache-Control, Content-Disposition).
    func respond(_ request: Request, file: StoredFile, target: ReadTarget) async throws -> Response {
        let plan = Self.plan(ReadRequest(request.headers, isHead: request.method == .head), file: file, target: target)
        let response = try await Response.origin(
            plan, digest: target.digest, blobs: blobs, fields: Self.fields(of: plan, target: target), fileRegions: fileRegions, openFiles: openFiles
        )
        if request.method == .get, target.notesRead, response.status == .ok || response.status == .partialContent { recordRead(of: file) }
        return response
    }

    /// Notes, in the background, that the file's bytes were read.
    func recordRead(of file: StoredFile) {
        recordRead(tenantID: file.tenantID, id: file.id)
    }

    /// Notes, in the background, that the tenant's file `id` was read at `now`.
    func recordRead(tenantID: UUID, id: UUID, now: ContinuousClock.Instant = .now) {
        recordedReads.record(tenantID: tenantID, id: id, in: files, now: now)
    }

    /// What RFC 9110 says to answer `request` with, for the target's blob.
    static func plan(_ request: ReadRequest, file: StoredFile, target: ReadTarget) -> ReadPlan {
        ReadPlan(request, for: representation(of: file, target: target), boundary: target.digest.hex)
    }

    /// What the origin knows of the target's bytes.
    static func representation(of file: StoredFile, target: ReadTarget) -> Representation {
        Representation(
            size: target.size, entityTag: EntityTag(opaque: target.digest.hex), lastModified: Int64(file.createdAt.timeIntervalSince1970),
            contentType: target.contentType
        )
    }

    /// The answer's fields: the target's, `nosniff`, then the plan's.
    static func fields(of plan: ReadPlan, target: ReadTarget) -> HTTPFields {
        var headers = target.fields
        headers[.contentTypeOptions] = "nosniff"
        for (name, value) in plan.headers {
            if let field = planFieldNames[name] ?? HTTPField.Name(name) { headers[field] = value }
        }
        return headers
    }

    /// The names a plan's fields have, checked once rather than on every read.
    private static let planFieldNames: [String: HTTPField.Name] = Dictionary(
        uniqueKeysWithValues: ["ETag", "Last-Modified", "Accept-Ranges", "Content-Type", "Content-Length", "Content-Range"].map { ($0, HTTPField.Name($0)!) }
    )
}

/// Which blob of a file a signed read serves, and the fields its answer carries.
struct ReadTarget: Sendable {
    let digest: BlobDigest
    let size: Int64
    let contentType: String
    /// Cache-Control, Content-Disposition and the like.
    let fields: HTTPFields
    /// Whether a read of its bytes is noted for the blob lifecycle (a file's own bytes are;
    /// previews stay hot and are not).
    let notesRead: Bool
}

extension HTTPField.Name {
    static let contentTypeOptions = Self("X-Content-Type-Options")!
}
