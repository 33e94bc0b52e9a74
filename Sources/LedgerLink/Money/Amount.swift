/// A positive count of minor units, at most 2^53 - 1 so every client's JSON number holds
/// it exactly.
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maximum: Int64 = 9_007_199_254_740_991

    public let minorUnits: Int64

    /// nil unless `minorUnits` is within 1...2^53-1.
    public init?(_ minorUnits: Int64) {
        guard (1...Self.maximum).contains(minorUnits) else { return nil }
        self.minorUnits = minorUnits
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool {
        lhs.minorUnits < rhs.minorUnits
    }

    public var description: String { String(minorUnits) }
}

/// An `amount` field as the client sent it: any JSON value is accepted while decoding, so
/// that a string, a fraction or an out-of-range number is a 422 `invalid_amount` rather
/// than a malformed request.
public struct AmountField: Decodable, Sendable {
    public let value: Int64?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            value = integer
        } else {
            value = nil
        }
    }

    public init(_ value: Int64) {
        self.value = value
    }

    /// The amount, or ``LedgerError/invalidAmount`` naming `field`.
    public func validated(_ field: String = "amount") throws -> Amount {
        guard let value, let amount = Amount(value) else { throw LedgerError.invalidAmount(field: field) }
        return amount
    }
}
