import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Uploads through the HTTP API of a test app, as a client would.
struct UploadClient: Sendable {
    let client: any TestClientProtocol
    let key: String

    struct Started {
        let fileID: String
        /// The signed URL's path and query (the test client needs no origin).
        let url: String
        let contentType: String
    }

    /// `POST /v1/uploads`, attaching to `transactionID` when given; the raw response.
    func declare(filename: String, contentType: String, size: Int, sha256: String, transactionID: String? = nil) async throws -> TestResponse {
        let attach = transactionID.map { #","transactionId":"\#($0)""# } ?? ""
        let json = #"{"filename":"\#(filename)","contentType":"\#(contentType)","size":\#(size),"sha256":"\#(sha256)"\#(attach)}"#
        return try await client.send(.post, "/v1/uploads", key: key, json: json)
    }

    /// Declares `sample` (or its bytes under another name or type) and returns its signed URL.
    func start(
        _ sample: Sample, filename: String? = nil, size: Int? = nil, sha256: String? = nil, transactionID: String? = nil
    ) async throws -> Started {
        let response = try await declare(
            filename: filename ?? sample.filename, contentType: sample.declaredType, size: size ?? sample.size, sha256: sha256 ?? sample.sha256,
            transactionID: transactionID
        )
        guard response.status == .created, let fileID = response.json["fileId"] as? String,
              let upload = response.json["upload"] as? [String: Any], let url = upload["url"] as? String,
              let headers = upload["headers"] as? [String: String]
        else { throw UploadTestError("declaring \(sample) failed: \(response.status) \(response.text)") }
        return Started(fileID: fileID, url: Self.pathAndQuery(url), contentType: headers["Content-Type"] ?? sample.declaredType)
    }

    /// PUTs `bytes` to a signed URL.
    func put(_ url: String, bytes: [UInt8], contentType: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await client.executeRequest(uri: url, method: .put, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func file(_ id: String) async throws -> TestResponse {
        try await client.send(.get, "/v1/files/\(id)", key: key)
    }

    static func pathAndQuery(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}

struct UploadTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
