public import Audit
import Database
public import Foundation
import PostgresNIO

/// The tenant's chart of accounts: accounts of its own, and the trial balance.
extension Ledger {
    /// Code prefixes Grey keeps for the accounts it makes itself.
    static let reservedCodePrefixes = ["system:", "wallet:", "merchant:"]

    /// Opens an account of the tenant's own (for journal transactions), recorded in the
    /// audit log against `actor`.
    public func createAccount(
        tenantID: UUID, code: String, name: String, type: AccountType, currency: CurrencyCode, allowsNegative: Bool, by actor: AuditActor
    ) async throws -> Account {
        guard Self.isValidCode(code) else {
            throw LedgerError.invalidField("code", reason: "must be 1 to 100 of [A-Za-z0-9._:-], starting with a letter or digit, and not start with system:, wallet: or merchant:")
        }
        guard (1...255).contains(name.unicodeScalars.count) else { throw LedgerError.invalidField("name", reason: "must be 1 to 255 characters") }
        let id = Identifier.makeUUID()
        let event = AuditEvent(
            tenantID: tenantID, action: "account.created", subjectType: "account", subjectID: Self.accountIdentifier.format(id), actor: actor,
            details: ["code": code, "type": type.rawValue, "currency": currency.code, "allowNegative": String(allowsNegative)]
        )
        do {
            let rows = try await client.query(
                """
                WITH created AS (
                    INSERT INTO accounts (tenant_id, id, code, name, type, currency, allow_negative)
                    VALUES (\(tenantID), \(id), \(code), \(name), \(type.rawValue), \(currency.code), \(allowsNegative))
                    RETURNING created_at
                ), audited AS (\(recording: event) FROM created)
                SELECT created_at FROM created
                """,
                logger: logger
            )
            var createdAt = Date()
            for try await date in rows.decode(Date.self) { createdAt = date }
            return Account(id: id, code: code, name: name, type: type, currency: currency, allowsNegative: allowsNegative, balance: 0, createdAt: createdAt)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw LedgerError.accountExists(code: code)
        }
    }

    /// A page of the tenant's accounts other than wallets (its own, system and merchant
    /// accounts), newest first, optionally of one currency.
    public func accounts(tenantID: UUID, currency: CurrencyCode?, limit: Int, cursor: String?) async throws -> Page<Account> {
        let currencyFilter = currency?.code ?? ""
        let before: (Int64, UUID)?
        switch try cursor.map({ cursor throws(LedgerError) in try HistoryCursor(decoding: cursor) }) {
        case nil: before = nil
        case .time(let microseconds, let id)?: before = (microseconds, id)
        case .sequence?: throw LedgerError.invalidField("cursor", reason: "belongs to another list")
        }
        let rows = try await client.query(
            """
            SELECT a.id, a.code, a.name, a.type, a.currency, a.allow_negative, a.created_at,
                   (extract(epoch FROM a.created_at) * 1000000)::bigint,
                   coalesce((SELECT balance_after FROM entries e WHERE e.tenant_id = a.tenant_id AND e.account_id = a.id
                             ORDER BY sequence DESC LIMIT 1), 0)
            FROM accounts a
            WHERE a.tenant_id = \(tenantID) AND (\(currencyFilter) = '' OR a.currency = \(currencyFilter))
              AND NOT EXISTS (SELECT 1 FROM wallets w WHERE w.tenant_id = a.tenant_id AND w.id = a.id)
              AND (\(before == nil) OR (a.created_at, a.id) < (timestamptz 'epoch' + \(before?.0 ?? 0) * interval '1 microsecond', \(before?.1 ?? UUID())))
            ORDER BY a.created_at DESC, a.id DESC LIMIT \(limit + 1)
            """,
            logger: logger
        )
        var accounts: [(Account, HistoryCursor)] = []
        for try await (id, code, name, type, currency, allowsNegative, createdAt, micros, balance) in rows.decode(
            (UUID, String, String, String, String, Bool, Date, Int64, Int64).self
        ) {
            guard let type = AccountType(rawValue: type), let currency = CurrencyCode(currency) else { continue }
            accounts.append((
                Account(id: id, code: code, name: name, type: type, currency: currency, allowsNegative: allowsNegative, balance: balance, createdAt: createdAt),
                .time(microseconds: micros, id: id)
            ))
        }
        let shown = accounts.prefix(limit)
        return Page(items: shown.map(\.0), nextCursor: accounts.count > limit ? shown.last?.1.encoded : nil)
    }

    /// Every account's balance in `currency`, read in one snapshot: wallets summed as one
    /// line, the others one line each, and totals per account type.
    public func trialBalance(tenantID: UUID, currency: CurrencyCode) async throws -> TrialBalance {
        let rows = try await client.query(
            """
            SELECT a.id, a.code, a.name, a.type, w.id IS NOT NULL,
                   coalesce((SELECT balance_after FROM entries e WHERE e.tenant_id = a.tenant_id AND e.account_id = a.id
                             ORDER BY sequence DESC LIMIT 1), 0)
            FROM accounts a LEFT JOIN wallets w ON w.tenant_id = a.tenant_id AND w.id = a.id
            WHERE a.tenant_id = \(tenantID) AND a.currency = \(currency.code)
            ORDER BY a.code
            """,
            logger: logger
        )
        var lines: [TrialBalance.Line] = []
        var wallets = TrialBalance.Line(accountID: nil, code: "wallets", name: "User wallets", type: .liability, balance: 0, accounts: 0)
        for try await (id, code, name, type, isWallet, balance) in rows.decode((UUID, String, String, String, Bool, Int64).self) {
            guard let type = AccountType(rawValue: type) else { continue }
            if isWallet {
                wallets.balance += Int128(balance)
                wallets.accounts += 1
            } else {
                lines.append(TrialBalance.Line(accountID: id, code: code, name: name, type: type, balance: Int128(balance), accounts: 1))
            }
        }
        if wallets.accounts > 0 { lines.append(wallets) }
        return TrialBalance(currency: currency, lines: lines)
    }

    static func isValidCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard (1...100).contains(bytes.count), reservedCodePrefixes.allSatisfy({ !code.hasPrefix($0) }) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) }
        return isAlphanumeric(bytes[0]) && bytes.allSatisfy { isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 58 || $0 == 45 }
    }
}
