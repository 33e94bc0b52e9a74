/// An ISO 4217 code (`EUR`) or an asset code of the tenant's own (`GOLD_COIN`):
/// `[A-Z][A-Z0-9_]{2,11}`.
public struct CurrencyCode: Sendable, Hashable, CustomStringConvertible {
    public let code: String

    public init?(_ code: String) {
        let bytes = Array(code.utf8)
        guard (3...12).contains(bytes.count), let first = bytes.first, (65...90).contains(first),
            bytes.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) || $0 == 95 })
        else { return nil }
        self.code = code
    }

    /// The code, or ``LedgerError/invalidCurrency(_:)``.
    public static func validated(_ code: String) throws -> CurrencyCode {
        guard let currency = CurrencyCode(code) else { throw LedgerError.invalidCurrency(code) }
        return currency
    }

    public var description: String { code }
}
