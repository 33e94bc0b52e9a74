public import Hummingbird
public import Tenancy

/// The context of every request: its id, what later layers learn about it, and the API
/// key once one has been checked.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Accepted from `X-Request-Id` or generated; echoed on the response.
    public var requestID: String
    /// Shared with the outer middleware so the access log can name the tenant.
    public let trace: RequestTrace
    /// Set by ``BearerAuthMiddleware`` when the request carries a valid key.
    public var apiKey: APIKey?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.trace = RequestTrace()
        self.apiKey = nil
    }

    /// The largest JSON body accepted; uploads stream through their own route.
    public static let maxJSONBodySize = 1 << 20

    public var maxUploadSize: Int { Self.maxJSONBodySize }
}
