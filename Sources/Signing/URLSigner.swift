import Crypto
import Database
public import Foundation

/// Signs and checks URLs with HMAC-SHA256: the method, the path and every parameter the
/// URL carries, its expiry and key id included. Uploads and downloads share it.
///
/// A signed URL's query is the parameters, then `expires` (Unix seconds), `kid` and `sig`.
/// The signed text gives each part with its length, so no two URLs sign alike.
public struct URLSigner: Sendable {
    public let keys: SigningKeyRing

    public init(keys: SigningKeyRing) {
        self.keys = keys
    }

    /// The query of a URL for `method` on `path` carrying `parameters`, valid until
    /// `expires`, signed with the active key. Values are percent-encoded.
    public func signedQuery(method: String, path: String, parameters: [(name: String, value: String)], expires: Date) -> String {
        let key = keys.active
        var all = parameters
        all.append(("expires", String(Int64(expires.timeIntervalSince1970.rounded(.down)))))
        all.append(("kid", key.id))
        let signature = Base64URL.encode(Self.mac(key, method: method, path: path, parameters: all))
        all.append(("sig", signature))
        return all.map { "\($0.name)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    /// Checks a URL's decoded query (in its order) against its signature, then its
    /// expiry; returns the signed parameters (without `expires`, `kid` and `sig`).
    ///
    /// Any doubt is `badSignature`: a repeated or unknown parameter, a missing one, an
    /// unknown key. Only a URL signed right but past its expiry is `expired`.
    public func verify(
        method: String, path: String, query: [(name: String, value: String)], expected names: Set<String>, now: Date = Date()
    ) throws(URLSignatureError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in query {
            guard names.contains(name) || Self.reservedNames.contains(name), values[name] == nil else { throw .badSignature }
            values[name] = value
        }
        guard values.count == names.count + 3, let keyID = values["kid"], let key = keys.key(id: keyID),
              let signatureText = values["sig"], let signature = Base64URL.decode(signatureText),
              let expiresText = values["expires"], let expires = Int64(expiresText)
        else { throw .badSignature }
        let signed = query.filter { $0.name != "sig" }
        let expected = Self.mac(key, method: method, path: path, parameters: signed)
        guard constantTimeEquals(expected, signature) else { throw .badSignature }
        guard Double(expires) > now.timeIntervalSince1970 else { throw .expired }
        values["expires"] = nil
        values["kid"] = nil
        values["sig"] = nil
        return values
    }

    /// The parameters every signed URL carries besides its own.
    private static let reservedNames: Set<String> = ["expires", "kid", "sig"]

    static func mac(_ key: SigningKey, method: String, path: String, parameters: [(name: String, value: String)]) -> [UInt8] {
        // "grey-url-v1\n", then each part as "<utf-8 length>:<part>\n".
        var text = Array("grey-url-v1\n".utf8)
        text.reserveCapacity(256)
        func append(_ part: String) {
            text.append(contentsOf: String(part.utf8.count).utf8)
            text.append(UInt8(ascii: ":"))
            text.append(contentsOf: part.utf8)
            text.append(UInt8(ascii: "\n"))
        }
        append(method)
        append(path)
        for parameter in parameters {
            append(parameter.name)
            append(parameter.value)
        }
        return Array(HMAC<SHA256>.authenticationCode(for: text, using: SymmetricKey(data: key.secret)))
    }

}


/// Why a signed URL is refused.
public enum URLSignatureError: Error, Equatable {
    /// Tampered, incomplete, or signed with an unknown key.
    case badSignature
    /// Signed right, but past its expiry.
    case expired
}
