/// What a transaction did, as clients filter history by it.
public enum TransactionType: String, Sendable, CaseIterable, Codable {
    case fund, spend, bonus, transfer, journal, reversal, charge, payout
}
