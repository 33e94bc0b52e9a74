public import Audit
import Database
public import Foundation
public import NIOCore
public import Signing
public import Storage

/// The upload flow: `start` records a file and signs the URL its bytes go to; `receive`
/// takes those bytes, verifies them, and hands the file to the preview workers.
public struct Uploads: Sendable {
    public let files: FileStore
    let blobs: any BlobStore
    let signer: URLSigner
    let sniffer: ContentSniffer
    public let policy: UploadPolicy

    public init(files: FileStore, blobs: any BlobStore, signer: URLSigner, sniffer: ContentSniffer, policy: UploadPolicy = UploadPolicy()) {
        self.files = files
        self.blobs = blobs
        self.signer = signer
        self.sniffer = sniffer
        self.policy = policy
    }

    /// What a client declares before uploading.
    public struct Declaration: Sendable {
        public var filename: String
        public var contentType: String
        public var size: Int64
        /// 64 hex digits.
        public var sha256: String
        /// The tenant's posted transaction the file is attached to from the start, if any.
        public var transactionID: UUID?

        public init(filename: String, contentType: String, size: Int64, sha256: String, transactionID: UUID? = nil) {
            self.filename = filename
            self.contentType = contentType
            self.size = size
            self.sha256 = sha256
            self.transactionID = transactionID
        }
    }

    /// Where and how to send a file's bytes.
    public struct SignedUpload: Sendable {
        public let method = "PUT"
        /// The path and signed query, relative to the server's origin.
        public let url: String
        /// Headers the PUT must carry.
        public let headers: [String: String]
        public let expiresAt: Date
    }

    /// The parameters an upload URL signs besides its path (the file id).
    static let signedNames: Set<String> = ["tenant", "size", "sha256", "type"]

    /// Checks the declaration against the allow-list and limits, records the file as
    /// `awaiting_upload` (recorded in the audit log against `actor`), and signs its upload URL.
    public func start(tenantID: UUID, _ declaration: Declaration, by actor: AuditActor, now: Date = Date()) async throws -> (StoredFile, SignedUpload) {
        let filename = declaration.filename
        guard (1...255).contains(filename.unicodeScalars.count), !filename.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw UploadError.invalidField("filename", reason: "must be 1 to 255 characters without control characters")
        }
        guard let type = FileType.forFilename(filename) else {
            throw UploadError.unsupportedType("'\(filename.suffix(20))' does not end in a supported extension")
        }
        guard type.allowsDeclared(declaration.contentType) else {
            throw UploadError.unsupportedType("contentType '\(declaration.contentType.prefix(100))' does not match a .\(type.extensions[0]) file")
        }
        guard declaration.size > 0 else { throw UploadError.emptyFile }
        let limit = policy.maximumSize(for: type)
        guard declaration.size <= limit else { throw UploadError.tooLarge(limit: limit) }
        guard let digest = BlobDigest(hex: declaration.sha256.lowercased()) else {
            throw UploadError.invalidField("sha256", reason: "must be 64 hexadecimal digits")
        }
        let file = try await files.create(
            tenantID: tenantID, filename: filename, type: type, declaredType: FileType.essence(of: declaration.contentType),
            size: declaration.size, sha256: digest, expiresAt: now.addingTimeInterval(policy.urlLifetime),
            transactionID: declaration.transactionID, by: actor
        )
        return (file, signedUpload(for: file))
    }

    /// The signed PUT for a file still awaiting its bytes.
    public func signedUpload(for file: StoredFile) -> SignedUpload {
        let path = Self.path(of: file.id)
        let query = signer.signedQuery(method: "PUT", path: path, parameters: [
            ("tenant", Identifier.hex(file.tenantID)), ("size", String(file.size)), ("sha256", file.sha256.hex), ("type", file.declaredType),
        ], expires: file.uploadExpiresAt)
        return SignedUpload(url: path + "?" + query, headers: ["Content-Type": file.declaredType], expiresAt: file.uploadExpiresAt)
    }

    static func path(of fileID: UUID) -> String { "/v1/uploads/" + FileStore.identifier.format(fileID) }
}
