public import Foundation

/// A person whose wallets the ledger keeps, known to the tenant by its own `externalID`.
public struct User: Sendable, Equatable {
    public let id: UUID
    public let externalID: String
    public let displayName: String?
    public let createdAt: Date

    public init(id: UUID, externalID: String, displayName: String?, createdAt: Date) {
        self.id = id
        self.externalID = externalID
        self.displayName = displayName
        self.createdAt = createdAt
    }
}
