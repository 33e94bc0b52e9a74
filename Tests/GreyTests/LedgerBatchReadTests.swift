import Foundation
import LedgerLink
import PostgresNIO
import Testing

/// The batch read (`ledger_read_batch`) must cost a few index probes per request however
/// large the ledger grows: a plan that scans a whole table per batch slows every posting
/// as the tables fill.
@Suite struct LedgerBatchReadTests {
    @Test func probesIndexesInsteadOfScanningTables() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await LedgerTests.Fixture.make(client)
            let alice = try await fixture.makeWallet("alice")
            let bob = try await fixture.makeWallet("bob")
            let funding = try await fixture.fund(alice, 100, ref: "psp-1")
            let tenant = fixture.tenantID

            let (found, scanned) = try await client.withTransaction(logger: TestDatabase.logger) { connection in
                var kinds: [String] = []
                // Six calls: PL/pgSQL switches to a cached generic plan after five.
                for _ in 0..<6 {
                    let rows = try await connection.query(
                        """
                        SELECT kind FROM ledger_read_batch(
                            \([tenant]), \(["key-1"]), \([tenant, tenant]), \([alice.id, bob.id]),
                            \([tenant]), \(["psp-1"]), \([tenant]), \([funding.id])
                        )
                        """,
                        logger: TestDatabase.logger
                    )
                    kinds = []
                    for try await kind in rows.decode(String.self) { kinds.append(kind) }
                }
                let scans = try await connection.query(
                    """
                    SELECT relname FROM pg_stat_xact_user_tables
                    WHERE seq_scan > 0 AND relname IN ('accounts', 'wallets', 'entries', 'transactions', 'idempotency_keys')
                    """,
                    logger: TestDatabase.logger
                )
                var scanned: [String] = []
                for try await name in scans.decode(String.self) { scanned.append(name) }
                return (kinds.sorted(), scanned)
            }
            // Both accounts, the used external reference and the time; no key, no reversal yet.
            #expect(found == ["a", "a", "r", "t"])
            #expect(scanned == [], "tables scanned whole: \(scanned)")
        }
    }
}
