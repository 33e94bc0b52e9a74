import Crypto

/// A money-moving request's Idempotency-Key, the digest of the request it was first used
/// with, and how the request's outcome reads as the response to keep.
public struct IdempotentRequest: Sendable {
    /// The client's key: 1 to 255 printable ASCII characters.
    public let key: String
    /// SHA-256 of the method, path and body: the same key with another request is refused.
    public let fingerprint: [UInt8]
    /// Renders the outcome as the response stored with the key, in the same database
    /// transaction as the postings.
    public let render: @Sendable (Result<LedgerTransaction, LedgerError>) -> StoredResponse

    /// nil when `key` is not 1 to 255 printable ASCII characters.
    public init?(
        key: String, fingerprint: [UInt8],
        render: @escaping @Sendable (Result<LedgerTransaction, LedgerError>) -> StoredResponse
    ) {
        guard Self.isValidKey(key) else { return nil }
        self.key = key
        self.fingerprint = fingerprint
        self.render = render
    }

    /// Whether `key` is 1 to 255 characters of printable ASCII (0x20...0x7E).
    public static func isValidKey(_ key: String) -> Bool {
        let bytes = key.utf8
        return (1...255).contains(bytes.count) && bytes.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// The fingerprint of a request: SHA-256 over its method, path and body.
    public static func fingerprint(method: String, path: String, body: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)\n".utf8))
        hasher.update(data: Array(body))
        return Array(hasher.finalize())
    }
}
