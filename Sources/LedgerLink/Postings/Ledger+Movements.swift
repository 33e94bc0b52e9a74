public import Foundation
import Database
import PostgresNIO

/// Planning the money movements: each checks what cannot change (the wallets exist, their
/// currencies) and says which accounts move; balances and wallet status are judged when
/// the request is posted, under the accounts' locks.
extension Ledger {
    /// Money received from outside (`externalRef` identifies the payment and never
    /// credits twice): debit clearing, credit the wallet.
    public func planFund(tenantID: UUID, walletID: UUID, amount: Amount, externalRef: String) async throws -> PostingRequest {
        let currency = try await walletCurrency(tenantID: tenantID, walletID: walletID)
        let clearing = try await systemAccount(.clearing, currency: currency, tenantID: tenantID)
        return PostingRequest(
            type: .fund, currency: currency, externalRef: externalRef,
            lines: [
                Posting(accountID: clearing, direction: .debit, amount: amount),
                Posting(accountID: walletID, direction: .credit, amount: amount),
            ]
        )
    }

    /// A purchase paid from the wallet: debit the wallet, credit revenue.
    public func planSpend(tenantID: UUID, walletID: UUID, amount: Amount, memo: String?) async throws -> PostingRequest {
        let currency = try await walletCurrency(tenantID: tenantID, walletID: walletID)
        let revenue = try await systemAccount(.revenue, currency: currency, tenantID: tenantID)
        return PostingRequest(
            type: .spend, currency: currency, memo: memo,
            lines: [
                Posting(accountID: walletID, direction: .debit, amount: amount),
                Posting(accountID: revenue, direction: .credit, amount: amount),
            ]
        )
    }

    /// Free credit: debit promotions (an expense), credit the wallet.
    public func planBonus(tenantID: UUID, walletID: UUID, amount: Amount, reason: String) async throws -> PostingRequest {
        let currency = try await walletCurrency(tenantID: tenantID, walletID: walletID)
        let promotions = try await systemAccount(.promotions, currency: currency, tenantID: tenantID)
        return PostingRequest(
            type: .bonus, currency: currency, memo: reason,
            lines: [
                Posting(accountID: promotions, direction: .debit, amount: amount),
                Posting(accountID: walletID, direction: .credit, amount: amount),
            ]
        )
    }

    /// Money from one wallet to another of the same currency, both sides in one transaction.
    public func planTransfer(tenantID: UUID, from source: UUID, to destination: UUID, amount: Amount, memo: String?) async throws -> PostingRequest {
        guard source != destination else { throw LedgerError.sameWallet }
        let currencies = try await walletCurrencies(tenantID: tenantID, walletIDs: [source, destination])
        guard let from = currencies[source], let to = currencies[destination] else { throw LedgerError.notFound("wallet") }
        guard from == to else { throw LedgerError.currencyMismatch }
        return PostingRequest(
            type: .transfer, currency: from, memo: memo,
            lines: [
                Posting(accountID: source, direction: .debit, amount: amount),
                Posting(accountID: destination, direction: .credit, amount: amount),
            ]
        )
    }

    /// A journal transaction of the caller's own lines, over accounts of one currency.
    public func planJournal(tenantID: UUID, lines: [Posting], memo: String?, externalRef: String?) async throws -> PostingRequest {
        guard (2...Self.maximumLines).contains(lines.count) else {
            throw LedgerError.invalidField("entries", reason: "must hold 2 to \(Self.maximumLines) entries")
        }
        guard lines.isBalanced else { throw LedgerError.unbalanced }
        guard Amount(lines.debitTotal) != nil else { throw LedgerError.invalidAmount(field: "entries") }
        let ids = Array(Set(lines.map(\.accountID)))
        let rows = try await client.query(
            "SELECT id, currency FROM accounts WHERE tenant_id = \(tenantID) AND id = ANY(\(ids))", logger: logger
        )
        var currencies = Set<String>()
        var found = 0
        for try await (_, currency) in rows.decode((UUID, String).self) {
            found += 1
            currencies.insert(currency)
        }
        guard found == ids.count else { throw LedgerError.notFound("account") }
        guard currencies.count == 1, let currency = currencies.first.flatMap(CurrencyCode.init) else { throw LedgerError.currencyMismatch }
        return PostingRequest(type: .journal, currency: currency, memo: memo, externalRef: externalRef, lines: lines)
    }

    /// A new transaction mirroring `transactionID` (every debit a credit and back); a
    /// transaction is reversed at most once, and a reversal is not reversed.
    public func planReversal(tenantID: UUID, transactionID: UUID, memo: String?) async throws -> PostingRequest {
        guard let original = try await transaction(tenantID: tenantID, id: transactionID) else {
            throw LedgerError.notFound("transaction")
        }
        guard original.type != .reversal else { throw LedgerError.cannotReverseReversal }
        return PostingRequest(
            type: .reversal, currency: original.currency,
            memo: memo ?? "Reversal of \(Ledger.transactionIdentifier.format(original.id))",
            reversesID: original.id,
            lines: original.entries.map { Posting(accountID: $0.accountID, direction: $0.direction.opposite, amount: $0.amount) }
        )
    }

    /// The currency of a wallet of the tenant, or ``LedgerError/notFound(_:)``.
    func walletCurrency(tenantID: UUID, walletID: UUID) async throws -> CurrencyCode {
        guard let currency = try await walletCurrencies(tenantID: tenantID, walletIDs: [walletID])[walletID] else {
            throw LedgerError.notFound("wallet")
        }
        return currency
    }

    /// The currencies of those of `walletIDs` the tenant has: from the cache, or read once.
    func walletCurrencies(tenantID: UUID, walletIDs: [UUID]) async throws -> [UUID: CurrencyCode] {
        var currencies: [UUID: CurrencyCode] = [:]
        var unknown: [UUID] = []
        for id in walletIDs {
            if let currency = knownWalletCurrencies.lookUp(AccountKey(tenantID: tenantID, accountID: id)) { currencies[id] = currency } else { unknown.append(id) }
        }
        guard !unknown.isEmpty else { return currencies }
        let rows = try await client.query(
            "SELECT id, currency FROM wallets WHERE tenant_id = \(tenantID) AND id = ANY(\(unknown))", logger: logger
        )
        for try await (id, code) in rows.decode((UUID, String).self) {
            guard let currency = CurrencyCode(code) else { continue }
            currencies[id] = currency
            knownWalletCurrencies.remember(currency, for: AccountKey(tenantID: tenantID, accountID: id))
        }
        return currencies
    }
}
