public import Audit
import Database
public import Foundation
import PostgresNIO

/// Merchants: charges collected on their behalf (less a fee) and payouts of what they are owed.
extension Ledger {
    /// Creates a merchant and its payable account (a liability that may not go negative),
    /// recorded in the audit log against `actor`.
    public func createMerchant(tenantID: UUID, name: String, currency: CurrencyCode, by actor: AuditActor) async throws -> Merchant {
        guard (1...255).contains(name.unicodeScalars.count) else { throw LedgerError.invalidField("name", reason: "must be 1 to 255 characters") }
        let id = Identifier.makeUUID()
        let payable = Identifier.makeUUID()
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO accounts (tenant_id, id, code, name, type, currency, allow_negative)
                VALUES (\(tenantID), \(payable), \("merchant:" + Identifier.hex(id)), \(AccountName.derived("Payable to ", name)), 'liability', \(currency.code), false)
                """,
                logger: logger
            )
            let rows = try await connection.query(
                """
                INSERT INTO merchants (tenant_id, id, name, currency, payable_account_id)
                VALUES (\(tenantID), \(id), \(name), \(currency.code), \(payable))
                RETURNING created_at
                """,
                logger: logger
            )
            var createdAt = Date()
            for try await date in rows.decode(Date.self) { createdAt = date }
            try await AuditTrail.record(
                AuditEvent(
                    tenantID: tenantID, action: "merchant.created", subjectType: "merchant", subjectID: Self.merchantIdentifier.format(id),
                    actor: actor, details: ["currency": currency.code]
                ),
                on: connection, logger: logger
            )
            return Merchant(id: id, name: name, currency: currency, payableAccountID: payable, createdAt: createdAt)
        }
    }

    /// The tenant's merchant with this id, or nil.
    public func merchant(tenantID: UUID, id: UUID) async throws -> Merchant? {
        let rows = try await client.query(
            "SELECT name, currency, payable_account_id, created_at FROM merchants WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
        for try await (name, currency, payable, createdAt) in rows.decode((String, String, UUID, Date).self) {
            guard let currency = CurrencyCode(currency) else { return nil }
            return Merchant(id: id, name: name, currency: currency, payableAccountID: payable, createdAt: createdAt)
        }
        return nil
    }

    /// What the merchant is owed now: its payable account's balance.
    public func merchantBalance(tenantID: UUID, merchantID: UUID) async throws -> (Merchant, Int64) {
        guard let merchant = try await merchant(tenantID: tenantID, id: merchantID) else { throw LedgerError.notFound("merchant") }
        let rows = try await client.query(
            """
            SELECT balance_after FROM entries WHERE tenant_id = \(tenantID) AND account_id = \(merchant.payableAccountID)
            ORDER BY sequence DESC LIMIT 1
            """,
            logger: logger
        )
        for try await balance in rows.decode(Int64.self) { return (merchant, balance) }
        return (merchant, 0)
    }

    /// A customer's payment collected for the merchant: the whole amount arrives in
    /// clearing, the merchant is owed the amount less the fee, and the fee is revenue.
    /// `fee` is 0 up to, not including, `amount`.
    public func planCharge(tenantID: UUID, merchantID: UUID, amount: Amount, fee: Int64, externalRef: String) async throws -> PostingRequest {
        guard let merchant = try await merchant(tenantID: tenantID, id: merchantID) else { throw LedgerError.notFound("merchant") }
        guard fee >= 0, let net = Amount(amount.minorUnits - fee) else { throw LedgerError.invalidAmount(field: "fee") }
        let clearing = try await systemAccount(.clearing, currency: merchant.currency, tenantID: tenantID)
        var lines = [
            Posting(accountID: clearing, direction: .debit, amount: amount),
            Posting(accountID: merchant.payableAccountID, direction: .credit, amount: net),
        ]
        if let fee = Amount(fee) {
            let fees = try await systemAccount(.fees, currency: merchant.currency, tenantID: tenantID)
            lines.append(Posting(accountID: fees, direction: .credit, amount: fee))
        }
        return PostingRequest(type: .charge, currency: merchant.currency, externalRef: externalRef, lines: lines)
    }

    /// Pays the merchant `amount`, or everything it is owed when nil, out of clearing.
    public func planPayout(tenantID: UUID, merchantID: UUID, amount: Amount?) async throws -> PostingRequest {
        guard let merchant = try await merchant(tenantID: tenantID, id: merchantID) else { throw LedgerError.notFound("merchant") }
        let clearing = try await systemAccount(.clearing, currency: merchant.currency, tenantID: tenantID)
        guard let amount else {
            return PostingRequest(type: .payout, currency: merchant.currency, plan: .sweep(from: merchant.payableAccountID, to: clearing))
        }
        return PostingRequest(
            type: .payout, currency: merchant.currency,
            lines: [
                Posting(accountID: merchant.payableAccountID, direction: .debit, amount: amount),
                Posting(accountID: clearing, direction: .credit, amount: amount),
            ]
        )
    }
}
