import Foundation
public import Hummingbird

extension APIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: nil)
    }

    /// The problem+json response, naming the request id so a report can be traced.
    public func response(requestID: String?) -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: problemBody(requestID: requestID))))
    }

    /// The problem object's bytes, members in a stable order.
    func problemBody(requestID: String?) -> [UInt8] {
        var members: [String: ProblemMember] = [
            "type": .string("urn:grey:problem:\(code)"),
            "title": .string(status.reasonPhrase),
            "status": .number(status.code),
            "detail": .string(detail),
            "code": .string(code),
        ]
        if let requestID, !requestID.isEmpty { members["requestId"] = .string(requestID) }
        for (name, value) in extensions where members[name] == nil { members[name] = .string(value) }
        return Array((try? JSONEncoder.sortedKeys.encode(members)) ?? Data())
    }
}

/// A value in a problem object: problems hold strings and the numeric status only.
enum ProblemMember: Encodable {
    case string(String)
    case number(Int)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        }
    }
}

extension JSONEncoder {
    /// An encoder with stable member order, for bodies that are compared byte for byte.
    /// One shared instance: its options never change after this, and encoding is
    /// thread-safe.
    static let sortedKeys: JSONEncoder = makeSortedKeys()

    static func makeSortedKeys() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
