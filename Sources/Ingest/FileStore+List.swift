import Database
public import Foundation
import PostgresNIO

/// `GET /v1/files`: the tenant's files, newest first (ids are time-ordered), optionally
/// only those of one status or linked to one transaction.
extension FileStore {
    public func files(
        tenantID: UUID, transactionID: UUID?, status: StoredFile.Status?, limit: Int, cursor: String?
    ) async throws -> (files: [StoredFile], nextCursor: String?) {
        let before = try cursor.map(Self.decodeCursor) ?? UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM files
            WHERE tenant_id = \(tenantID) AND id < \(before)
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(transactionID)::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM file_attachments link
                  WHERE link.tenant_id = files.tenant_id AND link.file_id = files.id AND link.transaction_id = \(transactionID)))
            ORDER BY id DESC LIMIT \(limit + 1)
            """,
            logger: logger
        )
        var files: [StoredFile] = []
        for try await row in rows.decode(FileRow.self) { files.append(try StoredFile(row: row)) }
        guard files.count > limit else { return (files, nil) }
        files.removeLast()
        return (files, Base64URL.encode("f:\(files.last!.id.uuidString)".utf8))
    }

    static func decodeCursor(_ text: String) throws(FileListError) -> UUID {
        guard text.utf8.count <= 100, let bytes = Base64URL.decode(text), let decoded = String(validating: bytes, as: UTF8.self),
            decoded.hasPrefix("f:"), let id = UUID(uuidString: String(decoded.dropFirst(2)))
        else { throw FileListError.invalidCursor }
        return id
    }
}

/// A file list's `cursor` that no page returned.
public enum FileListError: Error, Equatable {
    case invalidCursor
}
