public import Audit
import Database
public import Foundation
import PostgresNIO

extension Ledger {
    /// Opens a wallet for a user in a currency: a liability account that may not go
    /// negative. Recorded in the audit log against `actor`.
    public func createWallet(tenantID: UUID, userID: UUID, currency: CurrencyCode, by actor: AuditActor) async throws -> Wallet {
        let id = Identifier.makeUUID()
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let users = try await connection.query(
                    "SELECT external_id FROM users WHERE tenant_id = \(tenantID) AND id = \(userID)", logger: logger
                )
                var externalID: String?
                for try await value in users.decode(String.self) { externalID = value }
                guard let externalID else { throw LedgerError.notFound("user") }
                try await connection.query(
                    """
                    INSERT INTO accounts (tenant_id, id, code, name, type, currency, allow_negative)
                    VALUES (\(tenantID), \(id), \("wallet:" + Identifier.hex(id)), \(AccountName.derived("Wallet of ", externalID)), 'liability', \(currency.code), false)
                    """,
                    logger: logger
                )
                try await connection.query(
                    "INSERT INTO wallets (tenant_id, id, user_id, currency) VALUES (\(tenantID), \(id), \(userID), \(currency.code))",
                    logger: logger
                )
                try await AuditTrail.record(
                    AuditEvent(
                        tenantID: tenantID, action: "wallet.created", subjectType: "wallet", subjectID: Self.walletIdentifier.format(id),
                        actor: actor, details: ["userId": UserStore.identifier.format(userID), "currency": currency.code]
                    ),
                    on: connection, logger: logger
                )
                return try await wallet(tenantID: tenantID, id: id, on: connection)!
            }
        } catch let error as PostgresTransactionError {
            if let psql = error.closureError as? PSQLError, psql.serverInfo?[.sqlState] == "23505",
                let existing = try await walletID(tenantID: tenantID, userID: userID, currency: currency)
            {
                throw LedgerError.walletExists(existingWalletID: existing)
            }
            throw error.closureError ?? error
        }
    }

    /// The tenant's wallet with this id and its current balance, or nil.
    public func wallet(tenantID: UUID, id: UUID) async throws -> Wallet? {
        try await client.withConnection { try await wallet(tenantID: tenantID, id: id, on: $0) }
    }

    /// The user's wallets, oldest first.
    public func wallets(tenantID: UUID, userID: UUID) async throws -> [Wallet] {
        try await client.withConnection { connection in
            let rows = try await connection.query(
                "SELECT id FROM wallets WHERE tenant_id = \(tenantID) AND user_id = \(userID) ORDER BY created_at, id",
                logger: logger
            )
            var ids: [UUID] = []
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            var wallets: [Wallet] = []
            for id in ids {
                if let wallet = try await wallet(tenantID: tenantID, id: id, on: connection) { wallets.append(wallet) }
            }
            return wallets
        }
    }

    /// The wallet's balance at `asOf` (now when nil): the running balance of its last entry
    /// created at or before that time.
    public func balance(tenantID: UUID, walletID: UUID, asOf: Date?) async throws -> (Wallet, Int64) {
        guard let wallet = try await wallet(tenantID: tenantID, id: walletID) else { throw LedgerError.notFound("wallet") }
        guard let asOf else { return (wallet, wallet.balance) }
        let rows = try await client.query(
            """
            SELECT balance_after FROM entries
            WHERE tenant_id = \(tenantID) AND account_id = \(walletID) AND created_at <= \(asOf)
            ORDER BY sequence DESC LIMIT 1
            """,
            logger: logger
        )
        for try await balance in rows.decode(Int64.self) { return (wallet, balance) }
        return (wallet, 0)
    }

    /// Freezes or unfreezes a wallet. The wallet's account is locked first, as the locked
    /// posting path locks it, so that path never sees a status changing under it; an
    /// optimistic posting locks the wallet's row in the database's frozen-wallet check instead
    /// (migration 0015), so the freeze waits for it or it sees the freeze. A change is
    /// recorded in the audit log against `actor` (`wallet.frozen`, `wallet.unfrozen`).
    public func setWalletStatus(tenantID: UUID, walletID: UUID, _ status: Wallet.Status, by actor: AuditActor) async throws -> Wallet {
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await connection.query(
                "SELECT id FROM accounts WHERE tenant_id = \(tenantID) AND id = \(walletID) FOR UPDATE", logger: logger
            )
            var found = false
            for try await _ in locked { found = true }
            guard found else { throw LedgerError.notFound("wallet") }
            let event = AuditEvent(
                tenantID: tenantID, action: status == .frozen ? "wallet.frozen" : "wallet.unfrozen", subjectType: "wallet",
                subjectID: Self.walletIdentifier.format(walletID), actor: actor
            )
            try await connection.query(
                """
                WITH changed AS (
                    UPDATE wallets SET status = \(status.rawValue), updated_at = now()
                    WHERE tenant_id = \(tenantID) AND id = \(walletID) AND status <> \(status.rawValue)
                    RETURNING id
                )
                \(recording: event) FROM changed
                """,
                logger: logger
            )
            guard let wallet = try await wallet(tenantID: tenantID, id: walletID, on: connection) else {
                throw LedgerError.notFound("wallet")
            }
            return wallet
        }
    }

    func walletID(tenantID: UUID, userID: UUID, currency: CurrencyCode) async throws -> UUID? {
        let rows = try await client.query(
            "SELECT id FROM wallets WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND currency = \(currency.code)",
            logger: logger
        )
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    func wallet(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Wallet? {
        let rows = try await connection.query(
            """
            SELECT w.user_id, w.currency, w.status, w.created_at, w.updated_at,
                   coalesce((SELECT balance_after FROM entries e
                             WHERE e.tenant_id = w.tenant_id AND e.account_id = w.id
                             ORDER BY sequence DESC LIMIT 1), 0)
            FROM wallets w WHERE w.tenant_id = \(tenantID) AND w.id = \(id)
            """,
            logger: logger
        )
        for try await (userID, currency, status, createdAt, updatedAt, balance) in rows.decode((UUID, String, String, Date, Date, Int64).self) {
            return Wallet(
                id: id, userID: userID, currency: CurrencyCode(currency)!, status: Wallet.Status(rawValue: status) ?? .active,
                balance: balance, createdAt: createdAt, updatedAt: updatedAt
            )
        }
        return nil
    }
}
