import Foundation
public import Hummingbird

/// A JSON body with a status: `JSONResponse(status: .created, body: user)`.
public struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    public var status: HTTPResponse.Status
    public var body: Body

    public init(status: HTTPResponse.Status = .ok, body: Body) {
        self.status = status
        self.body = body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder.api.encode(body)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

extension JSONEncoder {
    /// The API's encoder: RFC 3339 UTC timestamps with milliseconds, stable key order.
    static var api: JSONEncoder {
        let encoder = JSONEncoder.sortedKeys
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }
}
