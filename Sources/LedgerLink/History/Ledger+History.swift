public import Foundation
import PostgresNIO

/// Reading posted transactions: one by id, or pages of history, newest first.
extension Ledger {
    /// The tenant's transaction with this id and its entries, or nil.
    public func transaction(tenantID: UUID, id: UUID) async throws -> LedgerTransaction? {
        try await transactions(tenantID: tenantID, ids: [id]).first
    }

    /// A page of the tenant's transactions, newest first, optionally only those touching
    /// `walletID` or of one `type`.
    public func transactions(
        tenantID: UUID, walletID: UUID?, type: TransactionType?, limit: Int, cursor: String?
    ) async throws -> Page<LedgerTransaction> {
        let after = try cursor.map { cursor throws(LedgerError) in try HistoryCursor(decoding: cursor) }
        let typeFilter = type?.rawValue ?? ""
        var marks: [(UUID, HistoryCursor)] = []
        if let walletID {
            guard try await walletCurrencies(tenantID: tenantID, walletIDs: [walletID])[walletID] != nil else {
                throw LedgerError.notFound("wallet")
            }
            guard case .sequence(let before)? = after ?? .sequence(Int64.max) else { throw LedgerError.invalidField("cursor", reason: "belongs to another list") }
            let rows = try await client.query(
                """
                SELECT e.transaction_id, e.sequence FROM entries e
                JOIN transactions t ON t.tenant_id = e.tenant_id AND t.id = e.transaction_id
                WHERE e.tenant_id = \(tenantID) AND e.account_id = \(walletID) AND e.sequence < \(before)
                  AND (\(typeFilter) = '' OR t.type = \(typeFilter))
                ORDER BY e.sequence DESC LIMIT \(limit + 1)
                """,
                logger: logger
            )
            for try await (id, sequence) in rows.decode((UUID, Int64).self) { marks.append((id, .sequence(sequence))) }
        } else {
            let query: PostgresQuery
            switch after {
            case nil:
                query = """
                    SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint FROM transactions
                    WHERE tenant_id = \(tenantID) AND (\(typeFilter) = '' OR type = \(typeFilter))
                    ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
                    """
            case .time(let microseconds, let id):
                query = """
                    SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint FROM transactions
                    WHERE tenant_id = \(tenantID) AND (\(typeFilter) = '' OR type = \(typeFilter))
                      AND (created_at, id) < (timestamptz 'epoch' + \(microseconds) * interval '1 microsecond', \(id))
                    ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
                    """
            case .sequence:
                throw LedgerError.invalidField("cursor", reason: "belongs to another list")
            }
            let rows = try await client.query(query, logger: logger)
            for try await (id, micros) in rows.decode((UUID, Int64).self) { marks.append((id, .time(microseconds: micros, id: id))) }
        }
        let hasMore = marks.count > limit
        let shown = Array(marks.prefix(limit))
        let byID = Dictionary(try await transactions(tenantID: tenantID, ids: shown.map(\.0)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Page(items: shown.compactMap { byID[$0.0] }, nextCursor: hasMore ? shown.last?.1.encoded : nil)
    }

    /// The tenant's transactions among `ids` with their entries in line order.
    func transactions(tenantID: UUID, ids: [UUID]) async throws -> [LedgerTransaction] {
        guard !ids.isEmpty else { return [] }
        let entryRows = try await client.query(
            """
            SELECT e.transaction_id, e.account_id, w.id IS NOT NULL, e.direction, e.amount, e.balance_after
            FROM entries e LEFT JOIN wallets w ON w.tenant_id = e.tenant_id AND w.id = e.account_id
            WHERE e.tenant_id = \(tenantID) AND e.transaction_id = ANY(\(ids))
            ORDER BY e.transaction_id, e.line
            """,
            logger: logger
        )
        var entries: [UUID: [PostedEntry]] = [:]
        for try await (transactionID, accountID, isWallet, direction, amount, balance) in entryRows.decode(
            (UUID, UUID, Bool, String, Int64, Int64).self
        ) {
            guard let direction = Direction(rawValue: direction), let amount = Amount(amount) else { continue }
            entries[transactionID, default: []].append(
                PostedEntry(accountID: accountID, walletID: isWallet ? accountID : nil, direction: direction, amount: amount, balanceAfter: balance)
            )
        }
        let rows = try await client.query(
            """
            SELECT id, type, currency, amount, memo, external_ref, reverses_id, created_at,
                   COALESCE((SELECT array_agg(a.file_id ORDER BY a.created_at, a.file_id) FROM file_attachments a
                             WHERE a.tenant_id = transactions.tenant_id AND a.transaction_id = transactions.id), '{}')
            FROM transactions WHERE tenant_id = \(tenantID) AND id = ANY(\(ids))
            """,
            logger: logger
        )
        var found: [UUID: LedgerTransaction] = [:]
        for try await (id, type, currency, amount, memo, externalRef, reversesID, createdAt, attachmentIDs) in rows.decode(
            (UUID, String, String, Int64, String?, String?, UUID?, Date, [UUID]).self
        ) {
            guard let type = TransactionType(rawValue: type), let currency = CurrencyCode(currency), let amount = Amount(amount) else { continue }
            found[id] = LedgerTransaction(
                id: id, type: type, currency: currency, amount: amount, memo: memo, externalRef: externalRef,
                reversesID: reversesID, createdAt: createdAt, entries: entries[id] ?? [], attachmentIDs: attachmentIDs
            )
        }
        return ids.compactMap { found[$0] }
    }
}
