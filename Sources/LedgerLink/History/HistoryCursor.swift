import Database
import Foundation

/// Where a page of history ends, carried to the client as an opaque string.
///
/// Lists of one wallet follow its entries' sequence numbers; other lists follow creation
/// time (in microseconds, as PostgreSQL keeps it) and id.
enum HistoryCursor: Equatable {
    case sequence(Int64)
    case time(microseconds: Int64, id: UUID)

    var encoded: String {
        let text: String
        switch self {
        case .sequence(let sequence): text = "s:\(sequence)"
        case .time(let microseconds, let id): text = "t:\(microseconds):\(id.uuidString)"
        }
        return Base64URL.encode(text.utf8)
    }

    /// The cursor in `string`, or ``LedgerError/invalidField(_:reason:)``.
    init(decoding string: String) throws(LedgerError) {
        let invalid = LedgerError.invalidField("cursor", reason: "is not a cursor this list returned")
        guard string.utf8.count <= 200 else { throw invalid }
        guard let bytes = Base64URL.decode(string), let text = String(validating: bytes, as: UTF8.self) else { throw invalid }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("s", 2):
            guard let sequence = Int64(parts[1]), sequence > 0 else { throw invalid }
            self = .sequence(sequence)
        case ("t", 3):
            // Only instants PostgreSQL can hold arithmetic on: 1970 to the end of year 9999.
            guard let microseconds = Int64(parts[1]), (0...253_402_300_799_999_999).contains(microseconds),
                  let id = UUID(uuidString: String(parts[2])) else { throw invalid }
            self = .time(microseconds: microseconds, id: id)
        default:
            throw invalid
        }
    }
}
