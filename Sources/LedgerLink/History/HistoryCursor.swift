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
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor in `string`, or ``LedgerError/invalidField(_:reason:)``.
    init(decoding string: String) throws(LedgerError) {
        let invalid = LedgerError.invalidField("cursor", reason: "is not a cursor this list returned")
        guard string.utf8.count <= 200 else { throw invalid }
        var base64 = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("s", 2):
            guard let sequence = Int64(parts[1]), sequence > 0 else { throw invalid }
            self = .sequence(sequence)
        case ("t", 3):
            guard let microseconds = Int64(parts[1]), let id = UUID(uuidString: String(parts[2])) else { throw invalid }
            self = .time(microseconds: microseconds, id: id)
        default:
            throw invalid
        }
    }
}
