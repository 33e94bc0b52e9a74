import ArgumentParser
import Foundation
import Signing

/// Where `grey serve` gets the keys that sign URLs: `GREY_SIGNING_KEYS` (`id:secret,…`,
/// the first signs; how several processes share keys and rotate them), or else a key
/// generated once and kept in the data directory (`signing-keys`, readable by its owner).
struct SigningKeySource {
    let dataDirectory: String
    let environment: [String: String]

    var path: String { dataDirectory + "/signing-keys" }

    func load() throws -> SigningKeyRing {
        if let configured = environment["GREY_SIGNING_KEYS"] {
            guard let ring = SigningKeyRing.parse(configured) else {
                throw ValidationError("GREY_SIGNING_KEYS must be id:secret pairs (secret: 32+ bytes in base64url), comma-separated")
            }
            return ring
        }
        if let saved = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let ring = SigningKeyRing.parse(saved.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ValidationError("\(path) holds no valid signing key; remove it to have a new one generated")
            }
            return ring
        }
        let key = SigningKey.generate(id: "k" + String(Int(Date().timeIntervalSince1970)))
        guard FileManager.default.createFile(atPath: path, contents: Data((key.exported + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(path)")
        }
        return SigningKeyRing(active: key)
    }
}
