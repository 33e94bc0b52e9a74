public import Hummingbird

/// An error as the client sees it: an RFC 9457 problem with a stable `code`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    /// Stable snake_case code, part of the contract.
    public var code: String
    /// A sentence for people; never holds secrets.
    public var detail: String
    /// Extra members of the problem object (e.g. the id of an original transaction).
    public var extensions: [String: String]
    /// Extra response headers (e.g. `Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, code: String, detail: String,
        extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public static func unauthorized(_ detail: String = "A valid API key is required: send 'Authorization: Bearer <key>'.") -> APIError {
        APIError(status: .unauthorized, code: "unauthorized", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func notFound(_ detail: String = "No such resource.") -> APIError {
        APIError(status: .notFound, code: "not_found", detail: detail)
    }

    public static func invalidRequest(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", detail: detail)
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "too_large", detail: "The request body is larger than \(limit) bytes.")
    }

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            detail: "\(method.rawValue) is not allowed here; use \(names).",
            headers: [.allow: names]
        )
    }
}
