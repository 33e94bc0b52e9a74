public import Foundation

/// A user's balance in one currency: a liability account of the tenant that may not go
/// negative. Its balance is the running balance of its latest entry.
public struct Wallet: Sendable, Equatable {
    public enum Status: String, Sendable {
        case active, frozen
    }

    public let id: UUID
    public let userID: UUID
    public let currency: CurrencyCode
    public let status: Status
    public let balance: Int64
    public let createdAt: Date
    public let updatedAt: Date
}
