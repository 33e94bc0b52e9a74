public import Foundation

/// A business the tenant collects money for; what it is owed sits on its payable account.
public struct Merchant: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let currency: CurrencyCode
    public let payableAccountID: UUID
    public let createdAt: Date
}
