import Database
import Foundation
public import Hummingbird
public import Tenancy

/// Checks `Authorization: Bearer <key>` and puts the key, and so the tenant, into the
/// context. Without a valid key the request ends here with 401.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let keys: APIKeyStore

    public init(keys: APIKeyStore) {
        self.keys = keys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = try await Self.apiKey(authorization: request.headers[.authorization], keys: keys)
        var context = context
        context.apiKey = key
        context.trace.record(tenant: key.tenant.name, keyID: APIKeyStore.identifier.format(key.id))
        return try await next(request, context)
    }

    /// The valid key an `Authorization` field names, or 401 (also for ``DirectPostings``).
    static func apiKey(authorization header: String?, keys: APIKeyStore) async throws -> APIKey {
        guard let header else { throw APIError.unauthorized() }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("The Authorization header must be 'Bearer <key>'.")
        }
        let token = String(parts[1].trimmingHTTPWhitespace())
        guard let key = try await keys.authenticate(bearer: token) else {
            throw APIError.unauthorized("The API key is not valid or has been revoked.")
        }
        return key
    }
}
