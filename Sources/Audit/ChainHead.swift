import Foundation
import Logging
import PostgresNIO

/// The last sealed event of a tenant's chain, as `audit_chain_heads` keeps it.
struct ChainHead: Equatable {
    var sequence: Int64
    var hash: [UInt8]

    /// The heads of `tenants` (every tenant's when nil), locked for update when named.
    static func load(tenants: [UUID]?, on connection: PostgresConnection, logger: Logger) async throws -> [UUID: ChainHead] {
        let rows = try await connection.query(
            tenants.map { "SELECT tenant_id, sequence, hash FROM audit_chain_heads WHERE tenant_id = ANY(\($0)) FOR UPDATE" }
                ?? "SELECT tenant_id, sequence, hash FROM audit_chain_heads",
            logger: logger
        )
        var heads: [UUID: ChainHead] = [:]
        for try await (tenant, sequence, hash) in rows.decode((UUID, Int64, ByteBuffer).self) {
            heads[tenant] = ChainHead(sequence: sequence, hash: Array(hash.readableBytesView))
        }
        return heads
    }
}
