import Crypto
import Database
import Foundation

/// The bearer token of an API key: `grey_<key id, 32 hex>_<secret, 43 base64url>`.
///
/// The key id finds the stored row in one index lookup; only the SHA-256 of the 256-bit
/// secret is stored, and it is compared in constant time. A slow password hash would add
/// nothing here: the secret is random, not chosen by a person.
struct APIKeyToken {
    static let prefix = "grey_"

    let keyID: UUID
    let secret: [UInt8]

    /// A new token for a new key.
    static func make(keyID: UUID) -> APIKeyToken {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return APIKeyToken(keyID: keyID, secret: secret)
    }

    /// Reads a token; nil for anything that is not exactly this shape.
    static func parse(_ text: some StringProtocol) -> APIKeyToken? {
        guard text.utf8.count == prefix.count + 32 + 1 + 43, text.hasPrefix(prefix) else { return nil }
        let body = text.dropFirst(prefix.count)
        let parts = body.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let keyID = Identifier.uuid(hex: parts[0]),
            // The decoder takes only the canonical spelling, so one key has one token.
            let secret = Base64URL.decode(parts[1]), secret.count == 32
        else { return nil }
        return APIKeyToken(keyID: keyID, secret: secret)
    }

    var text: String {
        Self.prefix + Identifier.hex(keyID) + "_" + Base64URL.encode(secret)
    }

    /// What the database keeps instead of the secret.
    var secretDigest: [UInt8] {
        Array(SHA256.hash(data: secret))
    }
}
