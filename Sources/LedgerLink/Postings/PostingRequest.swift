public import Foundation

/// A transaction to post: its headline facts and how its lines are made.
///
/// Requests are planned (wallets and accounts resolved, shapes checked) before they reach
/// the posting queue; everything that depends on balances, wallet status or what other
/// transactions hold is decided there, under the accounts' locks.
public struct PostingRequest: Sendable {
    /// How the lines are made.
    public enum Lines: Sendable, Equatable {
        /// Fixed lines, which must balance.
        case fixed([Posting])
        /// The whole balance of `from` moves to `to` (a payout of everything available);
        /// refused as insufficient funds when there is nothing to move.
        case sweep(from: UUID, to: UUID)
    }

    public var type: TransactionType
    public var currency: CurrencyCode
    public var memo: String?
    public var externalRef: String?
    public var reversesID: UUID?
    public var lines: Lines

    public init(
        type: TransactionType, currency: CurrencyCode, memo: String? = nil,
        externalRef: String? = nil, reversesID: UUID? = nil, lines: [Posting]
    ) {
        self.init(type: type, currency: currency, memo: memo, externalRef: externalRef, reversesID: reversesID, plan: .fixed(lines))
    }

    public init(
        type: TransactionType, currency: CurrencyCode, memo: String? = nil,
        externalRef: String? = nil, reversesID: UUID? = nil, plan: Lines
    ) {
        self.type = type
        self.currency = currency
        self.memo = memo?.isEmpty == true ? nil : memo
        self.externalRef = externalRef
        self.reversesID = reversesID
        self.lines = plan
    }

    /// Every account the transaction touches, each once.
    public var accountIDs: [UUID] {
        switch lines {
        case .fixed(let postings):
            var seen = Set<UUID>()
            return postings.map(\.accountID).filter { seen.insert($0).inserted }
        case .sweep(let from, let to):
            return [from, to]
        }
    }
}

extension [Posting] {
    /// Whether there are lines and debits equal credits. Sums cannot overflow: at most
    /// ``Ledger/maximumLines`` lines of at most 2^53 - 1 each.
    var isBalanced: Bool {
        guard !isEmpty else { return false }
        let net = reduce(Int64(0)) { $0 + ($1.direction == .debit ? $1.amount.minorUnits : -$1.amount.minorUnits) }
        return net == 0
    }

    /// The sum of the debits: a transaction's headline amount.
    var debitTotal: Int64 {
        filter { $0.direction == .debit }.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
    }
}
