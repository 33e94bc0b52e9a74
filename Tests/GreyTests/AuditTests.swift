import Audit
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
                "UPDATE audit_events SET action = 'nothing' WHERE sequence = 1",
                "DELETE FROM audit_events WHERE sequence = 1",
                "TRUNCATE audit_events",
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
