public import Storage
public import AsyncHTTPClient
public import NIOCore
import NIOHTTP1

/// Blobs as objects of one S3 bucket: `blobs/ab/cd/abcd…`, named by their SHA-256 as in
/// ``FileSystemBlobStore``. A blob appears whole or not at all: a body up to one part is
/// checked in memory and sent by one PUT; a longer one goes up as a multipart upload that
/// is completed only once the whole body matched its size and digest, and aborted on any
/// failure (S3 shows no object before the upload completes). With an encryption key
/// ring, each object holds the blob encrypted (``EncryptedBlobFormat``).
public struct S3BlobStore: BlobStore {
    public let configuration: S3Configuration
    /// The keys blobs are encrypted under; nil stores them as they are.
    public let encryption: EncryptionKeyRing?
    let client: S3Client
    /// The bytes of each part of a multipart upload (the last one may be shorter), and the
    /// most one upload holds in memory; larger when a blob would need more than 10,000 parts.
    let partSize: Int

    /// S3's smallest part but the last.
    public static let minimumPartSize = 5 << 20
    /// S3's most parts in one upload.
    static let maximumPartCount: Int64 = 10_000

    /// An HTTP client for the process's S3 calls: no redirects (a signature is for one
    /// host), no decompression (blobs are read byte for byte), a 60-second read timeout.
    public static let defaultHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)), decompression: .disabled
        )
    )

    /// - Parameters:
    ///   - httpClient: the client to send with; the caller keeps it running while the store is used.
    ///   - partSize: bytes per part of a multipart upload, at least ``minimumPartSize``.
    ///   - timeout: how long any call but a read's streaming may take (a part upload included).
    ///   - encryption: the keys to encrypt blobs under; nil stores them as they are.
    public init(
        configuration: S3Configuration, httpClient: HTTPClient = Self.defaultHTTPClient, partSize: Int = 8 << 20,
        timeout: TimeAmount = .minutes(5), encryption: EncryptionKeyRing? = nil
    ) {
        precondition(partSize >= Self.minimumPartSize && partSize >= BlobStoreLimits.inspectedPrefix, "an S3 part is at least 5 MiB")
        self.configuration = configuration
        self.encryption = encryption
        self.client = S3Client(configuration: configuration, httpClient: httpClient, timeout: timeout)
        self.partSize = partSize
    }

    /// The object key of the blob `digest`: `blobs/ab/cd/<hex>`.
    public static func key(of digest: BlobDigest) -> String {
        let hex = digest.hex
        return "blobs/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    public func head(_ digest: BlobDigest) async throws -> BlobInfo? {
        let response = try await client.send(.HEAD, key: Self.key(of: digest))
        if response.status == .notFound { return nil }
        try await client.expect(response, [200], operation: "HeadObject")
        guard let length = response.headers.first(name: "content-length").flatMap({ Int64($0) }), length >= 0 else {
            throw S3Error(operation: "HeadObject", status: response.status.code, message: "the answer has no Content-Length")
        }
        guard encryption != nil else { return BlobInfo(digest: digest, size: length) }
        guard let size = EncryptedBlobFormat.plaintextSize(storedSize: length) else { throw BlobStoreError.integrity(digest) }
        return BlobInfo(digest: digest, size: size)
    }

    public func delete(_ digest: BlobDigest) async throws {
        let response = try await client.send(.DELETE, key: Self.key(of: digest))
        try await client.expect(response, [200, 204, 404], operation: "DeleteObject")
    }

    public func list() async throws -> [BlobDigest] {
        try await keys(under: "blobs/").compactMap { key in
            guard let digest = BlobDigest(hex: key.split(separator: "/").last ?? ""), Self.key(of: digest) == key else { return nil }
            return digest
        }
    }

    /// Every key under `prefix`, page by page (ListObjectsV2; `pageSize` keys a page, the
    /// server's default of 1,000 when nil).
    func keys(under prefix: String, pageSize: Int? = nil) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [(name: "list-type", value: "2"), (name: "prefix", value: prefix)]
            if let pageSize { query.append((name: "max-keys", value: String(pageSize))) }
            if let token { query.append((name: "continuation-token", value: token)) }
            let response = try await client.send(.GET, key: nil, query: query)
            try await client.expect(response, [200], operation: "ListObjectsV2")
            let document = try await client.text(of: response, operation: "ListObjectsV2")
            keys += S3XML.values(of: "Key", in: document)
            token = nil
            if S3XML.value(of: "IsTruncated", in: document) == "true" {
                guard let next = S3XML.value(of: "NextContinuationToken", in: document), !next.isEmpty else {
                    throw S3Error(operation: "ListObjectsV2", status: 200, message: "a truncated page without a continuation token")
                }
                token = next
            }
        } while token != nil
        return keys
    }

    /// The keys of the multipart uploads begun and neither completed nor aborted (one page).
    func unfinishedUploads() async throws -> [String] {
        let response = try await client.send(.GET, key: nil, query: [(name: "uploads", value: "")])
        try await client.expect(response, [200], operation: "ListMultipartUploads")
        return S3XML.values(of: "Key", in: try await client.text(of: response, operation: "ListMultipartUploads"))
    }

    /// Creates the bucket (for tests and set-up; an existing bucket of ours is fine).
    func createBucket() async throws {
        let response = try await client.send(.PUT, key: nil)
        guard response.status != .conflict else {
            let error = await client.failure(response, operation: "CreateBucket")
            if error.code == "BucketAlreadyOwnedByYou" { return }
            throw error
        }
        try await client.expect(response, [200], operation: "CreateBucket")
    }
}
