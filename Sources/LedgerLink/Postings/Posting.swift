public import Foundation

/// One line of a transaction before it is posted: an account, a side and an amount.
public struct Posting: Sendable, Equatable {
    public let accountID: UUID
    public let direction: Direction
    public let amount: Amount

    public init(accountID: UUID, direction: Direction, amount: Amount) {
        self.accountID = accountID
        self.direction = direction
        self.amount = amount
    }
}
