public import Audit
import Database
public import Foundation
import LedgerLink
import PostgresNIO
public import Storage

/// Files linked to posted transactions: link, unlink, list, and deleting a file that is
/// not linked. Each write commits with its audit event.
extension FileStore {
    /// Links the tenant's file to its transaction and returns the file as it now is.
    public func attach(fileID: UUID, to transactionID: UUID, tenantID: UUID, by actor: AuditActor) async throws -> StoredFile {
        let event = attachmentEvent("attachment.added", fileID: fileID, transactionID: transactionID, tenantID: tenantID, actor: actor)
        return try await withAttachmentErrors {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    WITH linked AS (
                        INSERT INTO file_attachments (tenant_id, transaction_id, file_id)
                        VALUES (\(tenantID), \(transactionID), \(fileID))
                        RETURNING file_id
                    )
                    \(recording: event) FROM linked
                    """,
                    logger: logger
                )
                guard let file = try await file(tenantID: tenantID, id: fileID, on: connection) else { throw AttachmentError.fileNotFound }
                return file
            }
        }
    }

    /// Unlinks a file from a transaction; the file is kept. False when it was not linked.
    public func detach(fileID: UUID, from transactionID: UUID, tenantID: UUID, by actor: AuditActor) async throws -> Bool {
        let event = attachmentEvent("attachment.removed", fileID: fileID, transactionID: transactionID, tenantID: tenantID, actor: actor)
        let rows = try await client.query(
            """
            WITH unlinked AS (
                DELETE FROM file_attachments
                WHERE tenant_id = \(tenantID) AND transaction_id = \(transactionID) AND file_id = \(fileID)
                RETURNING file_id
            ), audited AS (\(recording: event) FROM unlinked)
            SELECT count(*) FROM unlinked
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }

    /// The files linked to a transaction, oldest first (at most
    /// ``maximumAttachmentsListed``; a receipt trail is short).
    public func attachments(of transactionID: UUID, tenantID: UUID) async throws -> [StoredFile] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM files
            WHERE tenant_id = \(tenantID) AND id IN (
                SELECT file_id FROM file_attachments WHERE tenant_id = \(tenantID) AND transaction_id = \(transactionID))
            ORDER BY id LIMIT \(Self.maximumAttachmentsListed)
            """,
            logger: logger
        )
        var files: [StoredFile] = []
        for try await row in rows.decode(FileRow.self) { files.append(try StoredFile(row: row)) }
        return files
    }

    public static let maximumAttachmentsListed = 1_000

    /// Deletes the tenant's file with its previews and job, and then its bytes unless
    /// another file or preview names them. Refused while the file is linked to a
    /// transaction (``AttachmentError/fileAttached``, also when a link commits meanwhile)
    /// or still processing.
    public func delete(fileID: UUID, tenantID: UUID, by actor: AuditActor, deletingFrom blobs: any BlobStore) async throws {
        let event = AuditEvent(tenantID: tenantID, action: "file.deleted", subjectType: "file", subjectID: Self.identifier.format(fileID), actor: actor)
        let released: [BlobDigest] = try await withAttachmentErrors(fileReference: .fileAttached) {
            try await client.withTransaction(logger: logger) { connection in
                let found = try await connection.query(
                    """
                    SELECT status, EXISTS (SELECT 1 FROM file_attachments WHERE tenant_id = \(tenantID) AND file_id = \(fileID))
                    FROM files WHERE tenant_id = \(tenantID) AND id = \(fileID) FOR UPDATE
                    """,
                    logger: logger
                )
                var state: (status: String, attached: Bool)?
                for try await (status, attached) in found.decode((String, Bool).self) { state = (status, attached) }
                guard let state else { throw AttachmentError.fileNotFound }
                if state.attached { throw AttachmentError.fileAttached }
                if state.status == StoredFile.Status.processing.rawValue { throw AttachmentError.fileProcessing }
                let rows = try await connection.query(
                    """
                    WITH previews AS (
                        SELECT sha256 FROM file_previews WHERE tenant_id = \(tenantID) AND file_id = \(fileID)
                    ), jobs_gone AS (
                        DELETE FROM jobs WHERE tenant_id = \(tenantID) AND file_id = \(fileID)
                    ), deleted AS (
                        DELETE FROM files WHERE tenant_id = \(tenantID) AND id = \(fileID) RETURNING sha256
                    ), audited AS (\(recording: event) FROM deleted)
                    SELECT sha256 FROM deleted UNION SELECT sha256 FROM previews
                    """,
                    logger: logger
                )
                var digests: [BlobDigest] = []
                for try await sha256 in rows.decode(ByteBuffer.self) {
                    if let digest = BlobDigest(bytes: Array(buffer: sha256)) { digests.append(digest) }
                }
                return digests
            }
        }
        for digest in released where try await !isBlobNeeded(digest) {
            try await blobs.delete(digest)
        }
    }

    private func attachmentEvent(_ action: String, fileID: UUID, transactionID: UUID, tenantID: UUID, actor: AuditActor) -> AuditEvent {
        AuditEvent(
            tenantID: tenantID, action: action, subjectType: "file", subjectID: Self.identifier.format(fileID), actor: actor,
            details: ["transactionId": Ledger.transactionIdentifier.format(transactionID)]
        )
    }
}
