import Database
public import Foundation

/// A secret that signs URLs, named by an id that travels in each URL it signs.
public struct SigningKey: Sendable {
    public let id: String
    let secret: [UInt8]

    /// - Parameters:
    ///   - id: 1 to 32 letters, digits, `-` or `_`.
    ///   - secret: at least 32 bytes.
    public init?(id: String, secret: [UInt8]) {
        guard Self.isValidID(id), secret.count >= 32 else { return nil }
        self.id = id
        self.secret = secret
    }

    /// A new random key.
    public static func generate(id: String) -> SigningKey {
        var generator = SystemRandomNumberGenerator()
        return SigningKey(id: id, secret: (0..<32).map { _ in generator.next() })!
    }

    /// The key as `id:secret` (secret in base64url), the form ``SigningKeyRing/parse(_:)`` reads.
    public var exported: String {
        id + ":" + Base64URL.encode(secret)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...32).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}

/// The keys a process accepts, and the one it signs with: rotating means adding a new
/// key first (it signs from then on) and removing the old one once its URLs expired.
public struct SigningKeyRing: Sendable {
    /// The key new URLs are signed with.
    public let active: SigningKey
    let byID: [String: SigningKey]

    public init(active: SigningKey, others: [SigningKey] = []) {
        self.active = active
        var byID = [active.id: active]
        for key in others where byID[key.id] == nil { byID[key.id] = key }
        self.byID = byID
    }

    public func key(id: String) -> SigningKey? { byID[id] }

    /// Reads `id:secret,id:secret…` (secrets in base64url, 32 bytes or more); the first signs.
    public static func parse(_ text: String) -> SigningKeyRing? {
        var keys: [SigningKey] = []
        for item in text.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let secret = Base64URL.decode(parts[1]),
                  let key = SigningKey(id: String(parts[0]), secret: secret) else { return nil }
            keys.append(key)
        }
        guard let first = keys.first else { return nil }
        return SigningKeyRing(active: first, others: Array(keys.dropFirst()))
    }
}

extension SigningKey: CustomStringConvertible, CustomDebugStringConvertible {
    /// The id only: a secret never reaches a log line.
    public var description: String { "SigningKey(\(id))" }
    public var debugDescription: String { description }
}
