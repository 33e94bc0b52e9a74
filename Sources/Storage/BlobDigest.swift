import Database

/// A blob's SHA-256, the name it is stored under: equal bytes are stored once.
public struct BlobDigest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 64 lowercase hex digits, the only spelling accepted (one digest, one name).
    public init?(hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex, byteCount: 32) else { return nil }
        self.bytes = bytes
    }

    /// The digest as 64 lowercase hex digits.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    /// All 32 bytes in one call: an array's own hashing feeds them to the hasher one by one,
    /// which was most of a cache lookup by digest on the hot read path.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
