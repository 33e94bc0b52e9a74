public import Foundation

/// A stored API key: who it acts for and what it may do. The secret is never kept.
public struct APIKey: Sendable, Equatable {
    public static let identifier = "key"

    public let id: UUID
    public let tenant: Tenant
    public let scopes: Set<Scope>
    public let createdAt: Date
    public let revokedAt: Date?

    public init(id: UUID, tenant: Tenant, scopes: Set<Scope>, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.tenant = tenant
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public func allows(_ scope: Scope) -> Bool {
        scopes.contains(scope)
    }
}

/// A key as it is handed out: the only time its bearer token is seen.
public struct IssuedAPIKey: Sendable {
    public let key: APIKey
    /// The secret a client sends as `Authorization: Bearer <token>`.
    public let token: String
}
