import Storage
import AsyncHTTPClient
import Crypto
import NIOCore
import NIOHTTP1

/// One multipart upload to a key: its parts are invisible until ``complete()``, and
/// ``abort()`` drops them. Used by one `put` at a time.
struct S3MultipartUpload: Sendable {
    let client: S3Client
    let key: String
    let uploadID: String
    /// The parts sent so far, in order: their numbers are their positions plus one.
    private(set) var etags: [String] = []

    /// Begins an upload (CreateMultipartUpload).
    static func begin(_ key: String, client: S3Client) async throws -> Self {
        let response = try await client.send(.POST, key: key, query: [(name: "uploads", value: "")])
        try await client.expect(response, [200], operation: "CreateMultipartUpload")
        let document = try await client.text(of: response, operation: "CreateMultipartUpload")
        guard let uploadID = S3XML.value(of: "UploadId", in: document), !uploadID.isEmpty else {
            throw S3Error(operation: "CreateMultipartUpload", status: 200, message: "the answer has no UploadId")
        }
        return Self(client: client, key: key, uploadID: uploadID)
    }

    /// Sends the next part, signed with its own SHA-256 as the payload hash (which AWS checks).
    mutating func send(_ part: ByteBuffer) async throws {
        let number = etags.count + 1
        let response = try await client.send(
            .PUT, key: key, query: [(name: "partNumber", value: String(number)), (name: "uploadId", value: uploadID)], body: part
        )
        try await client.expect(response, [200], operation: "UploadPart")
        guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
            throw S3Error(operation: "UploadPart", status: 200, message: "the answer has no ETag")
        }
        etags.append(etag)
    }

    /// Makes the object of every part sent, unless an object is already under the key
    /// (`If-None-Match: *`). Returns whether this upload made it.
    func complete() async throws -> Bool {
        let parts = etags.enumerated().map { index, etag in
            "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        let document = "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>"
        let response = try await client.send(
            .POST, key: key, query: [(name: "uploadId", value: uploadID)], headers: [(name: "if-none-match", value: "*")],
            body: ByteBuffer(string: document)
        )
        if response.status == .preconditionFailed { return false }
        try await client.expect(response, [200], operation: "CompleteMultipartUpload")
        // S3 may answer 200 and report the failure in the body.
        let answer = try await client.text(of: response, operation: "CompleteMultipartUpload")
        if answer.contains("<Error>") {
            throw S3Error(
                operation: "CompleteMultipartUpload", status: 200, code: S3XML.value(of: "Code", in: answer),
                message: S3XML.value(of: "Message", in: answer)
            )
        }
        return true
    }

    /// Drops the parts sent (AbortMultipartUpload); an upload already gone is fine.
    func abort() async throws {
        let response = try await client.send(.DELETE, key: key, query: [(name: "uploadId", value: uploadID)])
        try await client.expect(response, [200, 204, 404], operation: "AbortMultipartUpload")
    }
}
