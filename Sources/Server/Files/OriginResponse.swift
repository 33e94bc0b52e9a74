import HTTPTypes
import Hummingbird
import NIOCore
import Origin
import Storage

extension Response {
    /// Carries out a ``ReadPlan`` on the blob `digest`: its status and fields (after
    /// `fields`, which hold Cache-Control and the like), and the bytes it names, streamed
    /// from the store (a multipart answer part by part, never gathered in memory).
    static func origin(_ plan: ReadPlan, digest: BlobDigest, blobs: any BlobStore, fields: HTTPFields) async throws -> Response {
        var headers = fields
        for (name, value) in plan.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let status = HTTPResponse.Status(code: plan.status)
        switch plan.body {
        case .none:
            return Response(status: status, headers: headers)
        case .whole:
            return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: try await blobs.read(digest, range: nil)))
        case .range(let range):
            let stream = try await blobs.read(digest, range: range.lowerBound..<(range.upperBound + 1))
            return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: stream))
        case .multipart(let parts, let closing):
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                for part in parts {
                    try await writer.write(ByteBuffer(string: part.header))
                    try await writer.write(try await blobs.read(digest, range: part.range.lowerBound..<(part.range.upperBound + 1)))
                }
                try await writer.write(ByteBuffer(string: closing))
                try await writer.finish(nil)
            })
        }
    }
}

extension ReadRequest {
    /// The fields of `request` a read depends on.
    init(_ request: Request, isHead: Bool) {
        self.init(
            isHead: isHead, range: request.headers[.range], ifMatch: Self.joined(request.headers[values: .ifMatch]),
            ifNoneMatch: Self.joined(request.headers[values: .ifNoneMatch]),
            ifModifiedSince: request.headers[.ifModifiedSince], ifUnmodifiedSince: request.headers[.ifUnmodifiedSince],
            ifRange: request.headers[.ifRange]
        )
    }

    /// A list field sent as several lines, read as one (RFC 9110 §5.3); nil when absent.
    static func joined(_ values: [String]) -> String? {
        values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
