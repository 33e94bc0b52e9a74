public import Audit
public import Database
public import Foundation
public import Logging
public import PostgresNIO

/// Reads and writes users; every query is scoped by the caller's tenant.
public struct UserStore: Sendable {
    public static let identifier = Identifier(prefix: "usr")

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records a new user; ``LedgerError/userExists(externalID:)`` when the tenant has one
    /// with the same external id. Recorded in the audit log against `actor`.
    public func create(tenantID: UUID, externalID: String, displayName: String?, by actor: AuditActor) async throws -> User {
        guard (1...255).contains(externalID.unicodeScalars.count) else {
            throw LedgerError.invalidField("externalId", reason: "must be 1 to 255 characters")
        }
        if let displayName, displayName.unicodeScalars.count > 255 {
            throw LedgerError.invalidField("displayName", reason: "must be at most 255 characters")
        }
        let id = Identifier.makeUUID()
        let event = AuditEvent(
            tenantID: tenantID, action: "user.created", subjectType: "user", subjectID: Self.identifier.format(id),
            actor: actor, details: ["externalId": externalID]
        )
        do {
            let rows = try await client.query(
                """
                WITH created AS (
                    INSERT INTO users (tenant_id, id, external_id, display_name)
                    VALUES (\(tenantID), \(id), \(externalID), \(displayName))
                    RETURNING created_at
                ), audited AS (\(recording: event) FROM created)
                SELECT created_at FROM created
                """,
                logger: logger
            )
            var createdAt = Date()
            for try await date in rows.decode(Date.self) { createdAt = date }
            return User(id: id, externalID: externalID, displayName: displayName, createdAt: createdAt)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw LedgerError.userExists(externalID: externalID)
        }
    }

    /// The tenant's user with this id, or nil (also for another tenant's user).
    public func find(tenantID: UUID, id: UUID) async throws -> User? {
        let rows = try await client.query(
            """
            SELECT external_id, display_name, created_at FROM users
            WHERE tenant_id = \(tenantID) AND id = \(id)
            """,
            logger: logger
        )
        for try await (externalID, displayName, createdAt) in rows.decode((String, String?, Date).self) {
            return User(id: id, externalID: externalID, displayName: displayName, createdAt: createdAt)
        }
        return nil
    }
}
