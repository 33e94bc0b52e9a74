public import Foundation

/// An account of the tenant's chart, in one currency.
public struct Account: Sendable, Equatable {
    public let id: UUID
    public let code: String
    public let name: String
    public let type: AccountType
    public let currency: CurrencyCode
    /// System accounts may go negative; wallets and payables may not.
    public let allowsNegative: Bool
    /// The running balance of its latest entry, on its normal side.
    public let balance: Int64
    public let createdAt: Date
}

/// The accounts Grey creates on demand, one per tenant and currency.
public enum SystemAccount: String, Sendable, CaseIterable {
    /// Money received from outside (funding); an asset that grows as wallets are funded.
    case clearing = "system:clearing"
    /// What bonuses cost the tenant.
    case promotions = "system:promotions"
    /// What users spend.
    case revenue = "system:revenue"
    /// Fees kept from merchant charges.
    case fees = "system:fees"

    var type: AccountType {
        switch self {
        case .clearing: .asset
        case .promotions: .expense
        case .revenue, .fees: .revenue
        }
    }

    var name: String {
        switch self {
        case .clearing: "Clearing (funds received)"
        case .promotions: "Promotions (bonuses granted)"
        case .revenue: "Revenue (spending)"
        case .fees: "Fee revenue"
        }
    }
}
