import Foundation
import Signing
import Testing

/// Signed URLs: every signed part matters, keys rotate, expiry is checked after the signature.
@Suite struct URLSignerTests {
    static let names: Set<String> = ["tenant", "size", "sha256", "type"]
    static let parameters: [(name: String, value: String)] = [
        ("tenant", "7f0c"), ("size", "1024"), ("sha256", String(repeating: "a", count: 64)), ("type", "image/jpeg"),
    ]

    /// A query string as a server decodes it.
    static func decode(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]).removingPercentEncoding!)
        }
    }

    static let signer = URLSigner(keys: SigningKeyRing(active: .generate(id: "k2")))
    static let expires = Date(timeIntervalSince1970: 2_000_000_000)
    static let before = Date(timeIntervalSince1970: 1_999_999_000)

    @Test func aSignedURLVerifies() throws {
        let query = Self.decode(Self.signer.signedQuery(method: "PUT", path: "/v1/uploads/f1", parameters: Self.parameters, expires: Self.expires))
        let values = try Self.signer.verify(method: "PUT", path: "/v1/uploads/f1", query: query, expected: Self.names, now: Self.before)
        #expect(values == Dictionary(uniqueKeysWithValues: Self.parameters.map { ($0.name, $0.value) }))
        #expect(query.map(\.name) == ["tenant", "size", "sha256", "type", "expires", "kid", "sig"])
    }

    @Test(arguments: ["tenant", "size", "sha256", "type", "expires", "kid", "sig"])
    func anyChangedPartIsABadSignature(_ changed: String) throws {
        let query = Self.decode(Self.signer.signedQuery(method: "PUT", path: "/v1/uploads/f1", parameters: Self.parameters, expires: Self.expires))
        let tampered = query.map { $0.name == changed ? ($0.name, $0.value == "x" ? "y" : "x") : $0 }
        #expect(throws: URLSignatureError.badSignature) {
            try Self.signer.verify(method: "PUT", path: "/v1/uploads/f1", query: tampered, expected: Self.names, now: Self.before)
        }
    }

    @Test func pathMethodAndParameterSetAreSigned() throws {
        let query = Self.decode(Self.signer.signedQuery(method: "PUT", path: "/v1/uploads/f1", parameters: Self.parameters, expires: Self.expires))
        let cases: [(String, String, [(name: String, value: String)])] = [
            ("PUT", "/v1/uploads/f2", query),
            ("GET", "/v1/uploads/f1", query),
            ("PUT", "/v1/uploads/f1", query + [("tenant", "7f0c")]),
            ("PUT", "/v1/uploads/f1", query + [("extra", "1")]),
            ("PUT", "/v1/uploads/f1", query.filter { $0.name != "type" }),
            ("PUT", "/v1/uploads/f1", query.filter { $0.name != "sig" }),
        ]
        for (method, path, query) in cases {
            #expect(throws: URLSignatureError.badSignature) {
                try Self.signer.verify(method: method, path: path, query: query, expected: Self.names, now: Self.before)
            }
        }
    }

    @Test func expiryIsCheckedAfterTheSignature() throws {
        let query = Self.decode(Self.signer.signedQuery(method: "PUT", path: "/p", parameters: Self.parameters, expires: Self.expires))
        #expect(throws: URLSignatureError.expired) {
            try Self.signer.verify(method: "PUT", path: "/p", query: query, expected: Self.names, now: Self.expires)
        }
    }

    @Test func rotatedKeysKeepTheirURLsValidUntilRemoved() throws {
        let old = SigningKey.generate(id: "k1")
        let oldSigner = URLSigner(keys: SigningKeyRing(active: old))
        let query = Self.decode(oldSigner.signedQuery(method: "GET", path: "/p", parameters: Self.parameters, expires: Self.expires))
        let rotated = URLSigner(keys: SigningKeyRing(active: .generate(id: "k2"), others: [old]))
        _ = try rotated.verify(method: "GET", path: "/p", query: query, expected: Self.names, now: Self.before)
        #expect(throws: URLSignatureError.badSignature) {
            try Self.signer.verify(method: "GET", path: "/p", query: query, expected: Self.names, now: Self.before)
        }
    }

    @Test func keyRingsParseFromConfiguration() throws {
        let first = SigningKey.generate(id: "2026-11")
        let second = SigningKey.generate(id: "2026-10")
        let ring = try #require(SigningKeyRing.parse(first.exported + ", " + second.exported))
        #expect(ring.active.id == "2026-11")
        #expect(ring.key(id: "2026-10") != nil)
        for bad in ["", "k1", "k1:short", "bad id:" + String(repeating: "A", count: 43), first.exported + ",x"] {
            #expect(SigningKeyRing.parse(bad) == nil, "\(bad)")
        }
    }
}
