import Storage
import Foundation

/// Where an S3-compatible blob store lives: a bucket on an endpoint, its region and the
/// credentials to sign with. Parsed from `GREY_BLOB_STORE`-style URLs,
/// `s3://BUCKET?endpoint=http://127.0.0.1:8333&region=us-east-1`, with the credentials
/// from `GREY_S3_ACCESS_KEY` and `GREY_S3_SECRET_KEY` (never from the URL, never printed).
public struct S3Configuration: Sendable, CustomStringConvertible {
    public let bucket: String
    /// The endpoint's scheme, `http` or `https`.
    public let scheme: String
    public let host: String
    public let port: Int
    public let region: String
    public let credentials: S3Credentials

    public static let accessKeyVariable = "GREY_S3_ACCESS_KEY"
    public static let secretKeyVariable = "GREY_S3_SECRET_KEY"

    public init(bucket: String, endpoint: String, region: String = "us-east-1", credentials: S3Credentials) throws(S3Error) {
        guard Self.isBucketName(bucket) else {
            throw .configuration("'\(bucket.prefix(80))' is not a bucket name (3 to 63 of a-z, 0-9, '.', '-')")
        }
        guard let url = URLComponents(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil, url.fragment == nil,
            url.path.isEmpty || url.path == "/"
        else {
            throw .configuration("the endpoint must be http(s)://host[:port], without a path, query or user")
        }
        guard !region.isEmpty, region.utf8.allSatisfy({ Self.isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
            throw .configuration("'\(region.prefix(40))' is not a region name")
        }
        guard !credentials.accessKey.isEmpty, !credentials.secretKey.isEmpty else {
            throw .configuration("the access key and the secret key must not be empty")
        }
        self.bucket = bucket
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        self.region = region
        self.credentials = credentials
    }

    /// Parses `s3://BUCKET?endpoint=URL&region=REGION` (the endpoint defaults to AWS's for
    /// the region, the region to `us-east-1`), reading the credentials from `environment`
    /// (the process's when nil).
    public init(url: String, environment: [String: String]? = nil) throws(S3Error) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let components = URLComponents(string: url), components.scheme == "s3", let bucket = components.host,
            components.user == nil, components.password == nil, components.fragment == nil, components.port == nil,
            components.path.isEmpty || components.path == "/"
        else {
            throw .configuration("expected s3://BUCKET?endpoint=http://HOST:PORT&region=REGION")
        }
        var settings: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["endpoint", "region"].contains(item.name) else {
                throw .configuration("unknown setting '\(item.name.prefix(40))' (endpoint, region)")
            }
            guard settings[item.name] == nil else { throw .configuration("'\(item.name)' is given twice") }
            settings[item.name] = item.value ?? ""
        }
        guard let accessKey = environment[Self.accessKeyVariable], !accessKey.isEmpty else {
            throw .configuration("\(Self.accessKeyVariable) is not set")
        }
        guard let secretKey = environment[Self.secretKeyVariable], !secretKey.isEmpty else {
            throw .configuration("\(Self.secretKeyVariable) is not set")
        }
        let region = settings["region"] ?? "us-east-1"
        try self.init(
            bucket: bucket, endpoint: settings["endpoint"] ?? "https://s3.\(region).amazonaws.com", region: region,
            credentials: S3Credentials(accessKey: accessKey, secretKey: secretKey)
        )
    }

    /// The endpoint, `http://127.0.0.1:8333`.
    public var endpoint: String { "\(scheme)://\(authority)" }

    /// The `Host` header: the host, with the port unless it is the scheme's default.
    var authority: String {
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return port == (scheme == "https" ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// The URL without credentials: `s3://bucket?endpoint=…&region=…`.
    public var description: String { "s3://\(bucket)?endpoint=\(endpoint)&region=\(region)" }

    private static func isBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (3...63).contains(bytes.count) && isLowercaseAlphanumeric(bytes.first!) && isLowercaseAlphanumeric(bytes.last!)
            && bytes.allSatisfy { isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    private static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
