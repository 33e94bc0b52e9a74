public import Foundation
public import Storage

/// A file as the files table holds it.
public struct StoredFile: Sendable, Equatable {
    public enum Status: String, Sendable {
        case awaitingUpload = "awaiting_upload"
        case processing, ready, rejected
    }

    /// Why a file was refused after its upload.
    public struct Rejection: Sendable, Equatable {
        public let code: String
        public let detail: String
    }

    public let id: UUID
    public let tenantID: UUID
    public let filename: String
    public let declaredType: String
    public let detectedType: String?
    public let size: Int64
    public let sha256: BlobDigest
    public let status: Status
    public let rejection: Rejection?
    public let uploadExpiresAt: Date
    public let createdAt: Date
    /// What the workers measured, once the file is ready.
    public let media: FileMedia?
    /// The previews the workers made, smallest first.
    public let previews: [FilePreview]
    /// The transactions the file is attached to, first attached first.
    public let transactionIDs: [UUID]
}
