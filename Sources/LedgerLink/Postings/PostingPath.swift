/// How the posting queue posted a batch (see ``PostingQueue``).
public enum PostingPath: String, Sendable, CaseIterable {
    /// Planned from the account cache and written in one self-committing statement.
    case optimistic
    /// An optimistic statement the database refused (the cache was stale, a key or
    /// reference taken, a wallet frozen); the batch was then posted on the locked path.
    case refused
    /// Read and locked in a transaction, then written.
    case locked
}
