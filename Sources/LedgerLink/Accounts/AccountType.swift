/// The five kinds of account; each has a normal side on which it grows.
public enum AccountType: String, Sendable, CaseIterable, Codable {
    case asset, liability, equity, revenue, expense

    /// Assets and expenses grow with debits; the rest grow with credits.
    public var growsWithDebits: Bool {
        self == .asset || self == .expense
    }

    /// How an entry moves this account's balance.
    public func movement(_ direction: Direction, _ amount: Amount) -> Int64 {
        (direction == .debit) == growsWithDebits ? amount.minorUnits : -amount.minorUnits
    }
}

/// The side of an entry.
public enum Direction: String, Sendable, Codable {
    case debit, credit

    public var opposite: Direction { self == .debit ? .credit : .debit }
}
