public import Audit
public import Database
import LedgerLink
public import Foundation
public import Logging
public import PostgresNIO
import Storage

/// The files table, every query scoped by tenant.
public struct FileStore: Sendable {
    public static let identifier = Identifier(prefix: "fil")

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A file row's columns; what the workers made is folded into two JSON texts (media
    /// when ready, previews smallest first) and the transactions it is attached to into an
    /// array, so a file is still one row and one round trip.
    static let columns = """
        id, tenant_id, filename, declared_type, detected_type, size, sha256, status, rejection_code, rejection_detail,
        upload_expires_at, created_at,
        CASE WHEN status = 'ready' THEN jsonb_strip_nulls(jsonb_build_object(
            'width', width, 'height', height, 'durationMs', duration_ms, 'pages', pages, 'videoCodec', video_codec,
            'audioCodec', audio_codec, 'sampleRate', sample_rate, 'channels', channels))::text END,
        (SELECT jsonb_agg(jsonb_build_object(
            'kind', p.kind, 'width', p.width, 'height', p.height, 'contentType', p.content_type, 'size', p.size,
            'sha256', encode(p.sha256, 'hex')) ORDER BY p.width, p.kind)::text
         FROM file_previews p WHERE p.tenant_id = files.tenant_id AND p.file_id = files.id),
        COALESCE((SELECT array_agg(a.transaction_id ORDER BY a.created_at, a.transaction_id)
         FROM file_attachments a WHERE a.tenant_id = files.tenant_id AND a.file_id = files.id), '{}')
        """

    /// Records a file whose bytes are still to come, attached to `transactionID` when
    /// given (``AttachmentError/transactionNotFound`` when the tenant has no such
    /// transaction), and its `file.created` audit event, in one transaction.
    func create(
        tenantID: UUID, filename: String, type: FileType, declaredType: String, size: Int64, sha256: BlobDigest, expiresAt: Date,
        transactionID: UUID?, by actor: AuditActor
    ) async throws -> StoredFile {
        let ext = FileType.extension(of: filename) ?? ""
        let id = Identifier.makeUUID()
        var details = ["filename": filename, "size": String(size), "sha256": sha256.hex]
        if let transactionID { details["transactionId"] = Ledger.transactionIdentifier.format(transactionID) }
        let event = AuditEvent(
            tenantID: tenantID, action: "file.created", subjectType: "file", subjectID: Self.identifier.format(id), actor: actor, details: details
        )
        return try await withAttachmentErrors {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    WITH created AS (
                        INSERT INTO files (tenant_id, id, filename, extension, declared_type, size, sha256, status, upload_expires_at)
                        VALUES (\(tenantID), \(id), \(filename), \(ext), \(declaredType), \(size),
                                \(ByteBuffer(bytes: sha256.bytes)), 'awaiting_upload', \(expiresAt))
                        RETURNING id
                    )
                    \(recording: event) FROM created
                    """,
                    logger: logger
                )
                if let transactionID {
                    try await connection.query(
                        "INSERT INTO file_attachments (tenant_id, transaction_id, file_id) VALUES (\(tenantID), \(transactionID), \(id))",
                        logger: logger
                    )
                }
                guard let file = try await file(tenantID: tenantID, id: id, on: connection) else { throw UploadError.notFound }
                return file
            }
        }
    }

    /// The file, or nil when this tenant has none with this id.
    public func file(tenantID: UUID, id: UUID) async throws -> StoredFile? {
        try await client.withConnection { try await file(tenantID: tenantID, id: id, on: $0) }
    }

    func file(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> StoredFile? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM files WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
        for try await file in rows.decode(FileRow.self) { return try StoredFile(row: file) }
        return nil
    }

    /// Marks the file's bytes received and queues its processing, in one transaction:
    /// no file is ever `processing` without a job. Nil when the file was not awaiting
    /// its upload (another upload of it finished first). The `file.uploaded` audit event
    /// commits with it.
    func markUploaded(tenantID: UUID, id: UUID, detectedType: String, by actor: AuditActor) async throws -> StoredFile? {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE files SET status = 'processing', detected_type = \(detectedType), uploaded_at = now(), updated_at = now()
                WHERE tenant_id = \(tenantID) AND id = \(id) AND status = 'awaiting_upload'
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            var updated: StoredFile?
            for try await file in rows.decode(FileRow.self) { updated = try StoredFile(row: file) }
            guard let updated else { return nil }
            try await connection.query(
                "INSERT INTO jobs (tenant_id, file_id, kind) VALUES (\(tenantID), \(id), 'process_file')",
                logger: logger
            )
            try await AuditTrail.record(
                AuditEvent(
                    tenantID: tenantID, action: "file.uploaded", subjectType: "file", subjectID: Self.identifier.format(id),
                    actor: actor, details: ["detectedType": detectedType]
                ),
                on: connection, logger: logger
            )
            return updated
        }
    }
}

/// One row of ``FileStore/columns``.
typealias FileRow = (UUID, UUID, String, String, String?, Int64, ByteBuffer, String, String?, String?, Date, Date, String?, String?, [UUID])

extension StoredFile {
    init(row: FileRow) throws {
        let (id, tenantID, filename, declaredType, detectedType, size, sha256, status, rejectionCode, rejectionDetail, expiresAt, createdAt,
             media, previews, transactionIDs) = row
        guard let digest = BlobDigest(bytes: Array(buffer: sha256)), let status = Status(rawValue: status) else {
            throw UploadError.notFound
        }
        let decoder = JSONDecoder()
        self.init(
            id: id, tenantID: tenantID, filename: filename, declaredType: declaredType, detectedType: detectedType,
            size: size, sha256: digest, status: status,
            rejection: rejectionCode.map { Rejection(code: $0, detail: rejectionDetail ?? "") },
            uploadExpiresAt: expiresAt, createdAt: createdAt,
            media: try media.map { try decoder.decode(FileMedia.self, from: Data($0.utf8)) },
            previews: try previews.map { try decoder.decode([PreviewRow].self, from: Data($0.utf8)).compactMap(\.preview) } ?? [],
            transactionIDs: transactionIDs
        )
    }
}

/// A preview as the files query spells it in JSON.
private struct PreviewRow: Decodable {
    var kind: FilePreview.Kind
    var width: Int
    var height: Int
    var contentType: String
    var size: Int64
    var sha256: String

    var preview: FilePreview? {
        BlobDigest(hex: sha256).map { FilePreview(kind: kind, width: width, height: height, contentType: contentType, size: size, sha256: $0) }
    }
}
