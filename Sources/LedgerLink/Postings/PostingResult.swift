/// What became of a posting request.
public enum PostingResult: Sendable {
    /// Posted now; `stored` is the response kept under the Idempotency-Key, if one was given.
    case posted(LedgerTransaction, stored: StoredResponse?)
    /// Refused for a business reason (402, 409, 422, 423); the refusal is kept under the
    /// key like a success and replayed the same way.
    case rejected(LedgerError, stored: StoredResponse?)
    /// The key was used before with the same request: its response, unchanged.
    case replayed(StoredResponse)

    /// The posted transaction, or the refusal thrown (for callers without a key).
    public func transaction() throws -> LedgerTransaction {
        switch self {
        case .posted(let transaction, _): return transaction
        case .rejected(let error, _): throw error
        case .replayed: throw LedgerError.idempotencyKeyReused
        }
    }
}
