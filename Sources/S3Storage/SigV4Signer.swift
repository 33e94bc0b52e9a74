import Database
import Crypto
import Foundation

/// AWS Signature Version 4 in the `Authorization` header: the canonical request, the
/// string to sign and the HMAC-SHA256 chain of the AWS documentation, for one region and
/// service.
struct SigV4Signer: Sendable {
    let credentials: S3Credentials
    let region: String
    let service: String

    /// The SHA-256 of no bytes, the payload hash of a request without a body.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The `Authorization` header's value for a request.
    ///
    /// - Parameters:
    ///   - path: the URI path, not yet encoded (each segment is encoded once, as S3 wants).
    ///   - query: the query's names and values, not yet encoded.
    ///   - headers: every header to sign, `host` and `x-amz-date` (and, for S3,
    ///     `x-amz-content-sha256`) included, with the values the request sends.
    ///   - payloadHash: the body's SHA-256 in hex, or `UNSIGNED-PAYLOAD`.
    func authorization(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        payloadHash: String, date: Date
    ) -> String {
        let (canonical, signedHeaders) = canonicalRequest(
            method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Array(canonical.utf8)))].joined(separator: "\n")

        var key = SymmetricKey(data: Array("AWS4\(credentials.secretKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope),SignedHeaders=\(signedHeaders),Signature=\(signature)"
    }

    /// The canonical request and the signed headers' names (`host;range;x-amz-date`).
    func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        let canonicalHeaders =
            headers
            .map { (name: $0.name.lowercased(), value: Self.trimmed($0.value)) }
            .sorted { $0.name < $1.name }
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let request = [
            method,
            Self.encode(path, keepingSlashes: true),
            Self.canonicalQuery(query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    /// The query as signed, and as sent: each name and value encoded, sorted by name then value.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query
            .map { (name: encode($0.name, keepingSlashes: false), value: encode($0.value, keepingSlashes: false)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// Percent-encoded as SigV4 defines it: RFC 3986's, upper-case hex (`/` kept in paths).
    static func encode(_ text: String, keepingSlashes: Bool) -> String {
        PercentEncoding.encode(text, keepingSlashes: keepingSlashes)
    }

    /// `date` as SigV4's `x-amz-date`, `20130524T000000Z` (UTC), from the C library's
    /// calendar as the API's own timestamps are.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.tm_year + 1900, 4) + padded(parts.tm_mon + 1, 2) + padded(parts.tm_mday, 2) + "T"
            + padded(parts.tm_hour, 2) + padded(parts.tm_min, 2) + padded(parts.tm_sec, 2) + "Z"
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Hex.encode(Array(bytes))
    }

    /// A header value as signed: outer spaces removed, inner runs of spaces made one.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
