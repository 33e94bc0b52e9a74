import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
    /// Shared, like ``sortedKeys``.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder.makeSortedKeys()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339Milliseconds(date))
        }
        return encoder
    }()
}

/// `date` as RFC 3339 UTC with milliseconds (`2026-11-23T09:41:31.123Z`), formatted by
/// hand: this runs for every timestamp of every response.
func rfc3339Milliseconds(_ date: Date) -> String {
    // Rounded to the microsecond first (PostgreSQL's precision, which a Double only
    // approximates), then truncated to milliseconds: the same instant always prints alike.
    let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
    var seconds = time_t(remainder < 0 ? quotient - 1 : quotient)
    let milliseconds = Int((remainder < 0 ? remainder + 1_000_000 : remainder) / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
        + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "." + pad(Int32(milliseconds), 3) + "Z"
}
