@testable import Audit
import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import Tenancy
import Testing

/// The audit log: every write recorded with its key and request, sealed into one hash
/// chain per tenant, append-only in the database, and a changed row caught by
/// `grey audit verify`.
@Suite struct AuditTests {
    @Test func everyWriteIsRecordedWithItsKeyAndRequestAndChained() async throws {
        try await withPipeline { uploads, app in
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            let wallet = try await ledger.makeWallet(funding: 1_000)
            #expect(try await ledger.post("/v1/wallets/\(wallet)/freeze", "", idempotencyKey: nil).status == .ok)
            #expect(try await ledger.post("/v1/wallets/\(wallet)/unfreeze", "", idempotencyKey: nil).status == .ok)
            let spend = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":100}"#)
            let spendID = try #require(spend.json["id"] as? String)
            #expect(try await ledger.post("/v1/transactions/\(spendID)/reverse", "{}").status == .created)
            let file = try await uploads.uploadAndSettle(Sample.named("photo.png"), transactionID: spendID)
            let fileID = try #require(file["id"] as? String)
            #expect(try await uploads.client.send(.delete, "/v1/transactions/\(spendID)/attachments/\(fileID)", key: uploads.key).status == .noContent)
            #expect(try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: uploads.key).status == .noContent)

            let waiting = try await uploads.client.send(.get, "/metrics").text
            #expect(waiting.contains("grey_audit_unsealed_events 12"), "\(waiting)")
            try await AuditSealer(client: app.client, logger: TestDatabase.logger).sealPending()
            #expect(try await uploads.client.send(.get, "/metrics").text.contains("grey_audit_unsealed_events 0"))
            let events = (try await ledger.get("/v1/audit?limit=200").json["data"] as? [[String: Any]] ?? []).reversed()
            let actions = events.compactMap { $0["action"] as? String }
            #expect(actions == [
                "api_key.created", "user.created", "wallet.created", "transaction.posted", "wallet.frozen", "wallet.unfrozen",
                "transaction.posted", "transaction.posted", "file.created", "file.uploaded", "attachment.removed", "file.deleted",
            ])
            // Made through the API: the key and the request. The key itself came from the command
            // line, and the bytes through a signed URL (a request, but no key).
            for event in events.dropFirst() {
                #expect((event["requestId"] as? String)?.isEmpty == false, "\(event)")
                let signedOnly = event["action"] as? String == "file.uploaded"
                #expect(signedOnly ? event["keyId"] is NSNull : (event["keyId"] as? String)?.hasPrefix("key_") == true, "\(event)")
            }
            #expect(events.first?["keyId"] is NSNull)
            let reversal = events.dropFirst(7).first
            #expect((reversal?["details"] as? [String: String])?["reversesId"] == spendID)
            // One chain: sequences 1...n, each event linking to the one before.
            #expect(events.compactMap { $0["sequence"] as? Int } == Array(1...events.count))
            for (before, after) in zip(events, events.dropFirst()) {
                #expect(after["previousHash"] as? String == before["hash"] as? String)
            }
            let report = try await AuditVerifier(client: app.client, logger: TestDatabase.logger).verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.sealedEvents == events.count)

            let other = LedgerClient(client: uploads.client, key: try await app.makeKey(tenant: "tenant-b"))
            let seen = try await other.get("/v1/audit").json["data"] as? [[String: Any]] ?? []
            #expect(seen.compactMap { $0["action"] as? String } == ["api_key.created"])
            #expect(try await other.get("/v1/audit?cursor=nonsense").status == .badRequest)
        }
    }

    @Test func theLogIsAppendOnlyAndAChangedRowFailsVerify() async throws {
        let app = try await TestApp.make()
        _ = try await app.makeKey(tenant: "audited-a")
        _ = try await app.makeKey(tenant: "audited-b")
        let revoked = try await app.withKeyStore { keys in
            let key = try await keys.create(tenantName: "audited-a")
            return try await keys.revoke(APIKeyStore.identifier.format(key.key.id))
        }
        #expect(revoked)
        #expect(try await Self.verifyCommand(app).status == 0)

        try await PostgresClient.withRunning(configuration: app.database, logger: TestDatabase.logger) { client in
            for statement: PostgresQuery in [
                "UPDATE audit_events SET action = 'nothing' WHERE id = (SELECT min(id) FROM audit_events)",
                "DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)",
                "TRUNCATE audit_events",
                "UPDATE audit_links SET sequence = sequence + 100",
                "DELETE FROM audit_links",
                "TRUNCATE audit_links",
            ] {
                await #expect(throws: PSQLError.self) { try await client.query(statement, logger: TestDatabase.logger) }
            }
            // Someone with the owner's rights switches the guard off and edits history.
            try await client.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", logger: TestDatabase.logger)
            try await client.query(
                """
                UPDATE audit_events SET details = '{"scopes": "everything"}'
                WHERE id = (SELECT min(id) FROM audit_events WHERE action = 'api_key.created')
                """,
                logger: TestDatabase.logger
            )
            try await client.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only", logger: TestDatabase.logger)
        }
        let tampered = try await Self.verifyCommand(app)
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("was changed after it was sealed"), "\(tampered.output)")
    }

    @Test func concurrentWritersAndSealersLeaveOneUnbrokenChainPerTenant() async throws {
        let app = try await TestApp.make()
        _ = try await app.makeKey(tenant: "busy-a")
        _ = try await app.makeKey(tenant: "busy-b")
        try await PostgresClient.withRunning(configuration: app.database, logger: TestDatabase.logger) { client in
            let tenants = try await Self.tenantIDs(client)
            let logger = TestDatabase.logger
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<50 {
                            try await client.withTransaction(logger: logger) { connection in
                                try await AuditTrail.record(
                                    AuditEvent(
                                        tenantID: tenants[(writer + index) % tenants.count], action: "test.written", subjectType: "test",
                                        subjectID: "\(writer)-\(index)", actor: .system, details: ["writer": String(writer)]
                                    ),
                                    on: connection, logger: logger
                                )
                            }
                        }
                    }
                }
                for _ in 0..<3 {
                    group.addTask {
                        for _ in 0..<20 {
                            try await AuditSealer(client: client, logger: logger).sealPending(waitingForOthers: false)
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await AuditSealer(client: client, logger: logger).sealPending()
            let report = try await AuditVerifier(client: client, logger: logger).verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.tenants == 2)
            #expect(report.sealedEvents == 202)
            #expect(report.unsealedEvents == 0)
        }
    }

    /// Sealing follows the transactions that wrote the events, not the order they commit
    /// in: an event whose writer is still open holds back every event written after it
    /// began, and is chained before them once it commits.
    @Test func anOpenWriterHoldsSealingBackUntilItCommits() async throws {
        try await TestDatabase.withClient { client in
            let logger = TestDatabase.logger
            let tenant = UUID()
            try await client.query("INSERT INTO tenants (id, name) VALUES (\(tenant), 'held-back')", logger: logger)
            func event(_ name: String) -> AuditEvent {
                AuditEvent(tenantID: tenant, action: "test.written", subjectType: "test", subjectID: name, actor: .system)
            }
            let sealer = AuditSealer(client: client, logger: logger)
            let (commitRequests, commitEarly) = AsyncStream.makeStream(of: Void.self)
            let (earlyRecorded, announceEarly) = AsyncStream.makeStream(of: Void.self)
            async let earlyWriter: Void = client.withTransaction(logger: logger) { connection in
                try await AuditTrail.record(event("early"), on: connection, logger: logger)
                announceEarly.yield()
                for await _ in commitRequests { break }
            }
            for await _ in earlyRecorded { break }
            try await client.withTransaction(logger: logger) { try await AuditTrail.record(event("late"), on: $0, logger: logger) }

            #expect(try await sealer.sealPending(patience: .zero) == 0)
            #expect(try await AuditLog(client: client, logger: logger).backlog().events == 1)
            commitEarly.yield()
            try await earlyWriter
            #expect(try await sealer.sealPending() == 2)

            let (records, _) = try await AuditLog(client: client, logger: logger).events(tenantID: tenant, limit: 10, cursor: nil)
            #expect(records.map(\.event.subjectID) == ["late", "early"])
            #expect(records.map(\.sequence) == [2, 1])
            let report = try await AuditVerifier(client: client, logger: logger).verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.unsealedEvents == 0)
        }
    }

    /// Migration 0014 moves the chain out of the events: what was sealed keeps its links,
    /// what was waiting is sealed next, and the chain verifies from its first event.
    @Test func eventsSealedInPlaceKeepTheirChainAfterTheLinksMigration() async throws {
        let cluster = try await TestDatabase.cluster
        let name = "links_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await cluster.createDatabaseIfNeeded(name, logger: TestDatabase.logger)
        let logger = TestDatabase.logger
        try await PostgresClient.withRunning(configuration: cluster.clientConfiguration(database: name), logger: logger) { client in
            let bundled = try Migrator.bundled()
            try await Migrator(migrations: bundled.migrations.filter { $0.version < 14 }).apply(on: client, logger: logger)
            let tenant = UUID()
            try await client.query("INSERT INTO tenants (id, name) VALUES (\(tenant), 'sealed-in-place')", logger: logger)
            for index in 1...4 {
                try await client.withTransaction(logger: logger) { connection in
                    try await AuditTrail.record(
                        AuditEvent(tenantID: tenant, action: "test.written", subjectType: "test", subjectID: "\(index)", actor: .system),
                        on: connection, logger: logger
                    )
                }
            }
            // The first three sealed the way the sealer did before 0014: in place.
            let rows = try await client.query(
                "SELECT \(unescaped: ChainedFields.selectList) FROM audit_events e ORDER BY e.id LIMIT 3", logger: logger
            )
            var head = ChainHead(sequence: 0, hash: AuditChainLink.genesis)
            for try await row in rows.decode(ChainedFields.Row.self) {
                let fields = ChainedFields(row)
                let hash = AuditChainLink.hash(previous: head.hash, sequence: head.sequence + 1, fields: fields)
                try await client.query(
                    """
                    UPDATE audit_events SET sequence = \(head.sequence + 1), previous_hash = \(ByteBuffer(bytes: head.hash)),
                        hash = \(ByteBuffer(bytes: hash))
                    WHERE id = \(fields.id)
                    """,
                    logger: logger
                )
                head = ChainHead(sequence: head.sequence + 1, hash: hash)
            }
            try await client.query(
                "INSERT INTO audit_chain_heads VALUES (\(tenant), \(head.sequence), \(ByteBuffer(bytes: head.hash)))", logger: logger
            )

            try await bundled.apply(on: client, logger: logger)
            #expect(try await AuditLog(client: client, logger: logger).backlog().events == 1)
            #expect(try await AuditSealer(client: client, logger: logger).sealPending() == 1)
            let (records, _) = try await AuditLog(client: client, logger: logger).events(tenantID: tenant, limit: 10, cursor: nil)
            #expect(records.map(\.event.subjectID) == ["4", "3", "2", "1"])
            #expect(records.map(\.sequence) == [4, 3, 2, 1])
            let report = try await AuditVerifier(client: client, logger: logger).verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.sealedEvents == 4)
        }
    }

    static func tenantIDs(_ client: PostgresClient) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await id in try await client.query("SELECT id FROM tenants ORDER BY name", logger: TestDatabase.logger).decode(UUID.self) {
            ids.append(id)
        }
        return ids
    }

    /// `grey audit verify` on the app's database.
    static func verifyCommand(_ app: TestApp) async throws -> (status: Int32, output: String) {
        let socket = try await TestDatabase.cluster.socketPath
        let directory = String(socket.dropLast("/.s.PGSQL.5432".count))
        let url = "postgres://\(EmbeddedCluster.role)@/\(app.database.database ?? "")?host=\(directory)"
        let command = try GreyProcess(["audit", "verify"], environment: ["GREY_DATABASE_URL": url])
        let status = try await command.waitForExit()
        try await Task.sleep(for: .milliseconds(50))
        return (status, command.output)
    }
}
