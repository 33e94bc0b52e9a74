import PostgresNIO

/// Why linking, unlinking or deleting a file was refused; each case has a stable code in
/// the HTTP contract.
public enum AttachmentError: Error, Equatable {
    /// The tenant has no transaction with this id.
    case transactionNotFound
    /// The tenant has no file with this id.
    case fileNotFound
    /// The file is already attached to the transaction.
    case alreadyAttached
    /// The file is not attached to the transaction.
    case notAttached
    /// The file is attached to a posted transaction, so it is part of the record.
    case fileAttached
    /// The workers are still reading the file; it can be deleted once ready or rejected.
    case fileProcessing
}

/// Runs `body`, reading the key violations of `file_attachments` as the refusals they
/// stand for, whichever code path and however two requests race: a second link of the
/// same pair, a transaction that does not exist, and a file that does not exist when
/// linking or is still linked when deleting (`fileReference` says which).
func withAttachmentErrors<Value>(fileReference: AttachmentError = .fileNotFound, _ body: () async throws -> Value) async throws -> Value {
    do {
        return try await body()
    } catch {
        let cause = (error as? PostgresTransactionError)?.closureError ?? error
        guard let psql = cause as? PSQLError else { throw cause }
        switch (psql.serverInfo?[.sqlState], psql.serverInfo?[.constraintName]) {
        case ("23505", "file_attachments_pkey"): throw AttachmentError.alreadyAttached
        case ("23503", "file_attachments_transaction"): throw AttachmentError.transactionNotFound
        case ("23503", "file_attachments_file"): throw fileReference
        default: throw cause
        }
    }
}
