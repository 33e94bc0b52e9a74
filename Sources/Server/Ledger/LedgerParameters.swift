import Database
import Foundation
import Hummingbird
import LedgerLink

/// Reading ids and query parameters of the ledger routes; anything malformed is a 400
/// or, for ids, a 404 (an id that cannot exist names nothing).
extension TenantRequestContext {
    /// The `{name}` path parameter as an id of `identifier`'s kind, or 404.
    func id(_ name: String, _ identifier: Identifier, what: String) throws -> UUID {
        guard let id = parameters.get(name).flatMap(identifier.parse) else { throw APIError.notFound("No \(what) with this id.") }
        return id
    }
}

extension Request {
    /// `?limit=`: 1 to 200, 50 when absent.
    func pageLimit() throws -> Int {
        guard let text = uri.queryParameters.get("limit") else { return 50 }
        guard let limit = Int(text), (1...200).contains(limit) else {
            throw APIError.invalidRequest("Query parameter 'limit' must be an integer from 1 to 200.")
        }
        return limit
    }

    /// A query parameter, nil when absent or empty.
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An RFC 3339 timestamp parameter (``RFC3339Timestamp``, strict).
    func timestamp(_ name: String) throws -> Date? {
        guard let text = query(name) else { return nil }
        guard let date = RFC3339Timestamp.parse(text) else {
            throw APIError.invalidRequest("Query parameter '\(name)' must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z.")
        }
        return date
    }
}

/// An account id as clients send it: `acc_…`, or a wallet's `wal_…` (a wallet is an account).
func parseAccountID(_ text: String) -> UUID? {
    Ledger.accountIdentifier.parse(text) ?? Ledger.walletIdentifier.parse(text)
}
