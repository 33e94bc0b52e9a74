import Storage
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Signed requests to one bucket, path-style (`/bucket/key`), and the reading of S3's
/// answers and errors.
struct S3Client: Sendable {
    let configuration: S3Configuration
    let httpClient: HTTPClient
    let signer: SigV4Signer
    /// How long a call may take, its body included (reads excepted: they stream for as
    /// long as their reader takes, guarded by the HTTP client's read timeout).
    let timeout: TimeAmount

    /// The most bytes read of an XML answer (a list page is about 250 KiB).
    static let answerLimit = 8 << 20

    init(configuration: S3Configuration, httpClient: HTTPClient, timeout: TimeAmount) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
        self.timeout = timeout
    }

    /// Sends one signed request.
    ///
    /// - Parameters:
    ///   - key: the object's key, or nil for the bucket itself.
    ///   - payloadHash: the body's SHA-256 in hex when the caller knows it; computed otherwise.
    ///   - deadline: when the whole exchange must be over; `timeout` from now when nil.
    func send(
        _ method: HTTPMethod, key: String?, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil, payloadHash: String? = nil, deadline: NIODeadline? = nil
    ) async throws -> HTTPClientResponse {
        let path = "/\(configuration.bucket)" + (key.map { "/\($0)" } ?? "")
        let hash = payloadHash ?? body.map(Self.sha256) ?? SigV4Signer.emptyPayloadHash
        let now = Date()
        let signed: [(name: String, value: String)] =
            [("host", configuration.authority), ("x-amz-content-sha256", hash), ("x-amz-date", SigV4Signer.timestamp(now))] + headers
        let authorization = signer.authorization(
            method: method.rawValue, path: path, query: query, headers: signed, payloadHash: hash, date: now)

        let query = SigV4Signer.canonicalQuery(query)
        var request = HTTPClientRequest(
            url: configuration.endpoint + SigV4Signer.encode(path, keepingSlashes: true) + (query.isEmpty ? "" : "?" + query))
        request.method = method
        for header in signed { request.headers.add(name: header.name, value: header.value) }
        request.headers.add(name: "authorization", value: authorization)
        if let body { request.body = .bytes(body) }
        return try await httpClient.execute(request, deadline: deadline ?? .now() + timeout)
    }

    /// The SHA-256 of `bytes`, in hex.
    static func sha256(_ bytes: ByteBuffer) -> String {
        SigV4Signer.hex(bytes.withUnsafeReadableBytes { SHA256.hash(data: $0) })
    }

    /// The answer's body as text (XML), refusing one longer than ``answerLimit``.
    func text(of response: HTTPClientResponse, operation: String) async throws -> String {
        do {
            return String(buffer: try await response.body.collect(upTo: Self.answerLimit))
        } catch is NIOTooManyBytesError {
            throw S3Error(
                operation: operation, status: response.status.code, message: "the answer is longer than \(Self.answerLimit) bytes")
        }
    }

    /// Throws the server's error unless the answer has one of `statuses`.
    func expect(_ response: HTTPClientResponse, _ statuses: Set<UInt>, operation: String) async throws {
        guard !statuses.contains(response.status.code) else { return }
        throw await failure(response, operation: operation)
    }

    /// The error an answer carries: its status and S3's `<Code>` and `<Message>` (a HEAD
    /// answer has no body: then only the status).
    func failure(_ response: HTTPClientResponse, operation: String) async -> S3Error {
        let document = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
        return S3Error(
            operation: operation, status: response.status.code,
            code: S3XML.value(of: "Code", in: document), message: S3XML.value(of: "Message", in: document)
        )
    }
}
