public import Foundation

/// A posted transaction with its entries, as history and the API show it.
public struct LedgerTransaction: Sendable, Equatable {
    public let id: UUID
    public let type: TransactionType
    public let currency: CurrencyCode
    public let amount: Amount
    public let memo: String?
    public let externalRef: String?
    public let reversesID: UUID?
    public let createdAt: Date
    public let entries: [PostedEntry]
    /// The files attached to it (receipts), first attached first; none when just posted.
    public var attachmentIDs: [UUID] = []
}

/// One posted entry: its account (and wallet, when the account is one), side, amount and
/// the account's balance right after it.
public struct PostedEntry: Sendable, Equatable {
    public let accountID: UUID
    public let walletID: UUID?
    public let direction: Direction
    public let amount: Amount
    public let balanceAfter: Int64
}
