public import Foundation

/// The balances of one currency's accounts at one instant, and whether the books balance:
/// assets + expenses = liabilities + equity + revenue.
public struct TrialBalance: Sendable {
    public struct Line: Sendable {
        /// nil for the line that sums every wallet.
        public let accountID: UUID?
        public let code: String
        public let name: String
        public let type: AccountType
        /// 128 bits: one account's balance fits 64, but the sum of many wallets may not.
        public var balance: Int128
        /// How many accounts the line sums.
        public var accounts: Int
    }

    public let currency: CurrencyCode
    public let lines: [Line]

    /// The sum of the balances of each account type, in 128 bits (no overflow below 2^64
    /// accounts at the 64-bit limit each).
    public var totals: [AccountType: Int128] {
        var totals = Dictionary(uniqueKeysWithValues: AccountType.allCases.map { ($0, Int128(0)) })
        for line in lines { totals[line.type, default: 0] += line.balance }
        return totals
    }

    public var isBalanced: Bool {
        let totals = totals
        return totals[.asset]! + totals[.expense]! == totals[.liability]! + totals[.equity]! + totals[.revenue]!
    }
}
