import Database
import Foundation
import Ingest
import LedgerLink

/// A transaction as the API shows it.
struct TransactionBody: Encodable, Sendable {
    let transaction: LedgerTransaction

    struct Entry: Encodable {
        var accountId: String
        var walletId: String?
        var direction: String
        var amount: Int64
        var balanceAfter: Int64
    }

    enum Keys: String, CodingKey {
        case id, type, currency, amount, memo, externalRef, reversesId, createdAt, entries, attachments
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Ledger.transactionIdentifier.format(transaction.id), forKey: .id)
        try container.encode(transaction.type.rawValue, forKey: .type)
        try container.encode(transaction.currency.code, forKey: .currency)
        try container.encode(transaction.amount.minorUnits, forKey: .amount)
        try container.encode(transaction.memo, forKey: .memo)
        try container.encode(transaction.externalRef, forKey: .externalRef)
        try container.encode(transaction.reversesID.map(Ledger.transactionIdentifier.format), forKey: .reversesId)
        try container.encode(transaction.createdAt, forKey: .createdAt)
        try container.encode(
            transaction.entries.map { entry in
                Entry(
                    accountId: Ledger.accountIdentifier.format(entry.accountID),
                    walletId: entry.walletID.map(Ledger.walletIdentifier.format),
                    direction: entry.direction.rawValue, amount: entry.amount.minorUnits, balanceAfter: entry.balanceAfter
                )
            },
            forKey: .entries
        )
        try container.encode(transaction.attachmentIDs.map(FileStore.identifier.format), forKey: .attachments)
    }
}

extension TransactionBody {
    /// The body as ``JSONBytes`` writes it: what `JSONEncoder.api` makes of ``encode(to:)``
    /// (keys sorted, `null` for an absent memo, reference or reversal, no `walletId` on a
    /// system account's entry), at a fraction of the cost.
    func jsonBytes() -> [UInt8] {
        var json = JSONBytes(capacity: 320 + 200 * transaction.entries.count)
        json.raw("{\"amount\":")
        json.integer(transaction.amount.minorUnits)
        json.raw(",\"attachments\":[")
        for (index, id) in transaction.attachmentIDs.enumerated() {
            if index > 0 { json.raw(",") }
            json.string(FileStore.identifier.format(id))
        }
        json.raw("],\"createdAt\":")
        json.string(rfc3339Milliseconds(transaction.createdAt))
        json.raw(",\"currency\":")
        json.string(transaction.currency.code)
        json.raw(",\"entries\":[")
        for (index, entry) in transaction.entries.enumerated() {
            json.raw(index > 0 ? ",{\"accountId\":" : "{\"accountId\":")
            json.string(Ledger.accountIdentifier.format(entry.accountID))
            json.raw(",\"amount\":")
            json.integer(entry.amount.minorUnits)
            json.raw(",\"balanceAfter\":")
            json.integer(entry.balanceAfter)
            json.raw(",\"direction\":")
            json.string(entry.direction.rawValue)
            if let walletID = entry.walletID {
                json.raw(",\"walletId\":")
                json.string(Ledger.walletIdentifier.format(walletID))
            }
            json.raw("}")
        }
        json.raw("],\"externalRef\":")
        json.optionalString(transaction.externalRef)
        json.raw(",\"id\":")
        json.string(Ledger.transactionIdentifier.format(transaction.id))
        json.raw(",\"memo\":")
        json.optionalString(transaction.memo)
        json.raw(",\"reversesId\":")
        json.optionalString(transaction.reversesID.map(Ledger.transactionIdentifier.format))
        json.raw(",\"type\":")
        json.string(transaction.type.rawValue)
        json.raw("}")
        return json.bytes
    }
}

/// A wallet as the API shows it.
struct WalletBody: Encodable, Sendable {
    var id: String
    var userId: String
    var currency: String
    var balance: Int64
    var status: String
    var createdAt: Date
    var updatedAt: Date

    init(_ wallet: Wallet) {
        id = Ledger.walletIdentifier.format(wallet.id)
        userId = UserStore.identifier.format(wallet.userID)
        currency = wallet.currency.code
        balance = wallet.balance
        status = wallet.status.rawValue
        createdAt = wallet.createdAt
        updatedAt = wallet.updatedAt
    }
}

/// An account as the API shows it.
struct AccountBody: Encodable, Sendable {
    var id: String
    var code: String
    var name: String
    var type: String
    var currency: String
    var allowNegative: Bool
    var balance: Int64
    var createdAt: Date

    init(_ account: Account) {
        id = Ledger.accountIdentifier.format(account.id)
        code = account.code
        name = account.name
        type = account.type.rawValue
        currency = account.currency.code
        allowNegative = account.allowsNegative
        balance = account.balance
        createdAt = account.createdAt
    }
}

/// A page of a list: `{"data": [...], "nextCursor": ...}`.
struct PageBody<Item: Encodable & Sendable>: Encodable, Sendable {
    var data: [Item]
    var nextCursor: String?

    enum Keys: String, CodingKey { case data, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
