import Audit
public import Database
import Foundation
public import Logging
public import PostgresNIO

/// Why a key could not be made or changed.
public enum APIKeyStoreError: Error, CustomStringConvertible {
    case invalidTenantName(String)
    case noScopes
    case tenantNotRecorded

    public var description: String {
        switch self {
        case .invalidTenantName(let name):
            "invalid tenant name '\(name)': use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"
        case .noScopes: "a key needs at least one scope"
        case .tenantNotRecorded: "the database did not return the tenant it was asked to record"
        }
    }
}

/// Creates, checks, lists and revokes API keys.
public struct APIKeyStore: Sendable {
    public static let identifier = Identifier(prefix: APIKey.identifier)

    let client: PostgresClient
    let logger: Logger
    let cache: APIKeyCache?

    /// - Parameter cache: checked keys to reuse; it answers only while an
    ///   ``APIKeyRevocationListener`` keeps it current.
    public init(client: PostgresClient, logger: Logger, cache: APIKeyCache? = nil) {
        self.client = client
        self.logger = logger
        self.cache = cache
    }

    /// Makes a key for `tenantName`, creating the tenant on first use.
    public func create(tenantName: String, scopes: Set<Scope> = Set(Scope.allCases)) async throws -> IssuedAPIKey {
        guard Tenant.isValidName(tenantName) else { throw APIKeyStoreError.invalidTenantName(tenantName) }
        guard !scopes.isEmpty else { throw APIKeyStoreError.noScopes }
        let token = APIKeyToken.make(keyID: Identifier.makeUUID())
        let scopeNames = scopes.sorted().map(\.rawValue)
        let digest = ByteBuffer(bytes: token.secretDigest)
        return try await client.withTransaction(logger: logger) { connection in
            let tenantRows = try await connection.query(
                """
                INSERT INTO tenants (id, name) VALUES (\(Identifier.makeUUID()), \(tenantName))
                ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
                RETURNING id
                """,
                logger: logger
            )
            var tenantID: UUID?
            for try await id in tenantRows.decode(UUID.self) { tenantID = id }
            guard let tenantID else { throw APIKeyStoreError.tenantNotRecorded }
            let keyRows = try await connection.query(
                """
                INSERT INTO api_keys (id, tenant_id, secret_sha256, scopes)
                VALUES (\(token.keyID), \(tenantID), \(digest), \(scopeNames))
                RETURNING created_at
                """,
                logger: logger
            )
            var createdAt = Date()
            for try await date in keyRows.decode(Date.self) { createdAt = date }
            let key = APIKey(
                id: token.keyID, tenant: Tenant(id: tenantID, name: tenantName),
                scopes: scopes, createdAt: createdAt, revokedAt: nil
            )
            try await AuditTrail.record(
                AuditEvent(
                    tenantID: tenantID, action: "api_key.created", subjectType: "api_key", subjectID: Self.identifier.format(key.id),
                    actor: .system, details: ["scopes": scopeNames.joined(separator: " ")]
                ),
                on: connection, logger: logger
            )
            return IssuedAPIKey(key: key, token: token.text)
        }
    }

    /// The live key a bearer token stands for, or nil for a malformed, unknown, wrong or
    /// revoked token (callers cannot tell which, and neither can an attacker's timing).
    public func authenticate(bearer text: String) async throws -> APIKey? {
        guard let token = APIKeyToken.parse(text) else { return nil }
        let presented = token.secretDigest
        if let cached = cache?.entry(for: token.keyID) {
            return constantTimeEquals(cached.digest, presented) ? cached.key : nil
        }
        let generation = cache?.generation
        let rows = try await client.execute(KeyLookupStatement(keyID: token.keyID), logger: logger)
        for try await (digest, scopeNames, createdAt, tenantID, tenantName) in rows {
            let stored = Array(buffer: digest)
            guard constantTimeEquals(stored, presented) else { return nil }
            let key = APIKey(
                id: token.keyID, tenant: Tenant(id: tenantID, name: tenantName),
                scopes: Set(scopeNames.compactMap(Scope.init(rawValue:))), createdAt: createdAt, revokedAt: nil
            )
            if let cache, let generation { cache.store(key, digest: stored, ifGeneration: generation) }
            return key
        }
        return nil
    }

    /// Revokes a key named by its id (`key_...`) or by its whole token; false when no
    /// live key matched.
    public func revoke(_ reference: String) async throws -> Bool {
        guard let keyID = Self.identifier.parse(reference) ?? APIKeyToken.parse(reference)?.keyID else { return false }
        let rows = try await client.query(
            """
            WITH revoked AS (
                UPDATE api_keys SET revoked_at = now() WHERE id = \(keyID) AND revoked_at IS NULL RETURNING id, tenant_id
            ), audited AS (
                INSERT INTO audit_events (tenant_id, action, subject_type, subject_id)
                SELECT tenant_id, 'api_key.revoked', 'api_key', \(Self.identifier.format(keyID)) FROM revoked
            )
            SELECT id FROM revoked
            """,
            logger: logger
        )
        for try await _ in rows {
            cache?.evict(keyID)
            return true
        }
        return false
    }

    /// The keys of `tenantName`, newest first, revoked ones included.
    public func list(tenantName: String) async throws -> [APIKey] {
        let rows = try await client.query(
            """
            SELECT k.id, k.scopes, k.created_at, k.revoked_at, t.id
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
            WHERE t.name = \(tenantName)
            ORDER BY k.created_at DESC, k.id DESC
            """,
            logger: logger
        )
        var keys: [APIKey] = []
        for try await (id, scopeNames, createdAt, revokedAt, tenantID) in rows.decode((UUID, [String], Date, Date?, UUID).self) {
            keys.append(APIKey(
                id: id, tenant: Tenant(id: tenantID, name: tenantName),
                scopes: Set(scopeNames.compactMap(Scope.init(rawValue:))), createdAt: createdAt, revokedAt: revokedAt
            ))
        }
        return keys
    }
}
