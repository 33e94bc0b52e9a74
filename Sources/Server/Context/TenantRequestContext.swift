public import Hummingbird
public import Tenancy
import Audit

/// The context of a request made with a valid API key: handlers under it always know
/// their tenant, so no query can forget to scope by it.
public struct TenantRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestID: String
    public let apiKey: APIKey

    public var tenant: Tenant { apiKey.tenant }

    public init(context: AppRequestContext) throws {
        guard let apiKey = context.apiKey else { throw APIError.unauthorized() }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.apiKey = apiKey
    }

    public var maxUploadSize: Int { AppRequestContext.maxJSONBodySize }

    /// Throws 403 `forbidden` unless the key carries `scope`.
    public func require(_ scope: Scope) throws {
        try apiKey.require(scope)
    }
}

extension APIKey {
    /// Throws 403 `forbidden` unless the key carries `scope`.
    func require(_ scope: Scope) throws {
        guard allows(scope) else {
            throw APIError(status: .forbidden, code: "forbidden", detail: "This API key lacks the '\(scope.rawValue)' scope.")
        }
    }
}

extension TenantRequestContext {
    /// The key and request a write made here is recorded against in the audit log.
    var actor: AuditActor { AuditActor(keyID: apiKey.id, requestID: requestID) }
}
