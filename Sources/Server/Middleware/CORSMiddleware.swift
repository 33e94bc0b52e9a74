import HTTPTypes
public import Hummingbird

/// Lets pages on the configured origins call Grey from a browser: answers preflights and
/// adds `Access-Control-*` headers for those origins only.
public struct CORSMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let allowedOrigins: Set<String>

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowedOrigins.contains(origin) || allowedOrigins.contains("*")
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [.vary: "Origin"]
            if allowed {
                headers[.accessControlAllowOrigin] = origin
                headers[.accessControlAllowMethods] = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
                headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
                headers[.accessControlMaxAge] = "600"
            }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "ETag, Content-Range, X-Request-Id, Idempotent-Replayed"
            response.headers.append(HTTPField(name: .vary, value: "Origin"))
        }
        return response
    }
}
