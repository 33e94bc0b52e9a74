import Foundation
import PostgresNIO

/// The live key with this id and its tenant: the query every authenticated request makes,
/// so it is prepared once per connection instead of parsed and planned each time.
struct KeyLookupStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT k.secret_sha256, k.scopes, k.created_at, t.id, t.name
        FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.id = $1 AND k.revoked_at IS NULL
        """
    typealias Row = (ByteBuffer, [String], Date, UUID, String)

    var keyID: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(keyID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
