import Foundation
public import Hummingbird
import NIOCore

/// One decoder for every request body: its options never change and decoding is thread-safe.
private let sharedDecoder = JSONDecoder()

extension Request {
    /// Reads a JSON body of at most ``AppRequestContext/maxJSONBodySize`` bytes.
    /// Throws 413 `too_large` for a longer body, 415 for a non-JSON content type and
    /// 400 `invalid_request` for malformed JSON or missing fields.
    public func decodeJSON<Value: Decodable>(as type: Value.Type) async throws -> Value {
        let buffer = try await body.collect(upTo: AppRequestContext.maxJSONBodySize)
        return try Self.decodeJSON(as: type, body: buffer, contentType: headers[.contentType])
    }

    /// Decodes a body already read, with the same rules.
    static func decodeJSON<Value: Decodable>(as type: Value.Type, body buffer: ByteBuffer, contentType: String?) throws -> Value {
        if let contentType {
            let mediaType = contentType.split(separator: ";").first?.trimmingHTTPWhitespace().lowercased()
            guard mediaType == "application/json" || mediaType?.hasSuffix("+json") == true else {
                throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type", detail: "Send the body as application/json.")
            }
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidRequest("The request needs a JSON body.") }
        return try sharedDecoder.decode(Value.self, from: Data(buffer.readableBytesView))
    }
}
