import Audit
import Database
import Foundation
import LedgerLink
import NIOPosix
import PostgresNIO
import Synchronization
import Tenancy
import Testing

/// The ledger core against the real schema: postings, its database-enforced invariants,
/// concurrency and exactly-once execution.
@Suite struct LedgerTests {
    struct Fixture {
        let client: PostgresClient
        let ledger: Ledger
        let tenantID: UUID
        let logger = TestDatabase.logger

        static func make(_ client: PostgresClient) async throws -> Fixture {
            let key = try await APIKeyStore(client: client, logger: TestDatabase.logger).create(tenantName: "ledger")
            // Posting batches run on one of the client's event loops, as in `grey serve`.
            let ledger = Ledger(
                client: client, logger: TestDatabase.logger,
                postingExecutor: EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
            )
            return Fixture(client: client, ledger: ledger, tenantID: key.key.tenant.id)
        }

        func makeWallet(_ externalID: String, currency: String = "EUR") async throws -> Wallet {
            let user = try await UserStore(client: client, logger: logger).create(tenantID: tenantID, externalID: externalID, displayName: nil, by: .system)
            return try await ledger.createWallet(tenantID: tenantID, userID: user.id, currency: CurrencyCode(currency)!, by: .system)
        }

        func fund(_ wallet: Wallet, _ amount: Int64, ref: String = UUID().uuidString) async throws -> LedgerTransaction {
            let plan = try await ledger.planFund(tenantID: tenantID, walletID: wallet.id, amount: Amount(amount)!, externalRef: ref)
            return try await ledger.post(plan, tenantID: tenantID).transaction()
        }

        func spend(_ wallet: Wallet, _ amount: Int64) async throws -> LedgerTransaction {
            let plan = try await ledger.planSpend(tenantID: tenantID, walletID: wallet.id, amount: Amount(amount)!, memo: nil)
            return try await ledger.post(plan, tenantID: tenantID).transaction()
        }

        func balance(_ wallet: Wallet) async throws -> Int64 {
            try await ledger.balance(tenantID: tenantID, walletID: wallet.id, asOf: nil).1
        }
    }

    @Test func fundingAndSpendingMoveBothSides() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("alice")
            let funded = try await fixture.fund(wallet, 500, ref: "psp-1")
            #expect(funded.entries.map(\.direction) == [.debit, .credit])
            #expect(funded.entries.last?.balanceAfter == 500)
            #expect(funded.entries.last?.walletID == wallet.id)
            let spent = try await fixture.spend(wallet, 120)
            #expect(spent.entries.first?.balanceAfter == 380)
            #expect(try await fixture.balance(wallet) == 380)

            await #expect(throws: LedgerError.duplicateExternalRef(originalTransactionID: funded.id)) {
                _ = try await fixture.fund(wallet, 500, ref: "psp-1")
            }
            await #expect(throws: LedgerError.insufficientFunds(accountID: wallet.id)) {
                _ = try await fixture.spend(wallet, 381)
            }
            #expect(try await fixture.balance(wallet) == 380)
        }
    }

    @Test func concurrentSpendsNeverOverdraw() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("bob")
            _ = try await fixture.fund(wallet, 500)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        do {
                            _ = try await fixture.spend(wallet, 10)
                            return true
                        } catch LedgerError.insufficientFunds(wallet.id) {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 50)
            #expect(outcomes.filter { !$0 }.count == 50)
            #expect(try await fixture.balance(wallet) == 0)
        }
    }

    /// PostgreSQL's error behind a failed query or transaction.
    static func serverError(_ error: any Error) -> PSQLError? {
        (error as? PostgresTransactionError)?.closureError as? PSQLError ?? error as? PSQLError
    }

    @Test func postedEntriesCannotBeChangedOrRemoved() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("carol")
            _ = try await fixture.fund(wallet, 100)
            for statement in [
                "UPDATE entries SET amount = amount + 1",
                "DELETE FROM entries",
                "TRUNCATE entries CASCADE",
                "UPDATE transactions SET amount = 1",
                "DELETE FROM transactions",
            ] {
                await #expect(throws: PSQLError.self, "\(statement) must fail") {
                    try await client.query(PostgresQuery(unsafeSQL: statement), logger: TestDatabase.logger)
                }
            }
            #expect(try await fixture.balance(wallet) == 100)
        }
    }

    @Test func unbalancedOrBrokenChainsFailInTheDatabase() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("dave")
            let tenant = fixture.tenantID
            /// Inserts one transaction and `entries` (SQL VALUES rows after the tenant,
            /// account and transaction ids); returns the server's message.
            func refusal(_ entries: String) async -> String? {
                let transaction = Identifier.makeUUID()
                do {
                    try await client.withTransaction(logger: TestDatabase.logger) { connection in
                        try await connection.query(
                            "INSERT INTO transactions (tenant_id, id, type, currency, amount) VALUES (\(tenant), \(transaction), 'journal', 'EUR', 5)",
                            logger: TestDatabase.logger
                        )
                        try await connection.query(
                            PostgresQuery(unsafeSQL: """
                                INSERT INTO entries (tenant_id, account_id, transaction_id, sequence, line, direction, amount, currency, balance_after, allow_negative)
                                SELECT '\(tenant)', '\(wallet.id)', '\(transaction)', v.* FROM (VALUES \(entries)) AS v
                                """),
                            logger: TestDatabase.logger
                        )
                    }
                    return nil
                } catch {
                    return Self.serverError(error)?.serverInfo?[.message] ?? "\(error)"
                }
            }
            // One credit and no debit.
            #expect(await refusal("(1, 1, 'credit', 5, 'EUR', 5, false)")?.contains("unbalanced") == true)
            // A running balance that does not follow from the previous one.
            #expect(await refusal("(1, 1, 'credit', 5, 'EUR', 500, false), (2, 2, 'debit', 5, 'EUR', 495, false)")?.contains("chain") == true)
            // A gap in the sequence.
            #expect(await refusal("(2, 1, 'credit', 5, 'EUR', 5, false), (3, 2, 'debit', 5, 'EUR', 0, false)")?.contains("chain") == true)
            // A wallet's entry claiming it may go negative.
            #expect(await refusal("(1, 1, 'debit', 5, 'EUR', -5, true), (2, 2, 'credit', 5, 'EUR', 0, true)")?.contains("negativity rule") == true)
            // A negative wallet balance under the wallet's own rule.
            #expect(await refusal("(1, 1, 'debit', 5, 'EUR', -5, false), (2, 2, 'credit', 5, 'EUR', 0, false)")?.contains("entries_not_negative") == true)
            // A transaction with no entries, refused at commit.
            #expect(await refusal("(1, 1, 'credit', 5, 'EUR', 5, false) LIMIT 0")?.contains("has no entries") == true)
            // The same rows, balanced and chained, are accepted: the refusals above are the rules'.
            #expect(await refusal("(1, 1, 'credit', 5, 'EUR', 5, false), (2, 2, 'debit', 5, 'EUR', 0, false)") == nil)
            // An entry on a frozen wallet, however well chained, until it is unfrozen.
            _ = try await fixture.ledger.setWalletStatus(tenantID: tenant, walletID: wallet.id, .frozen, by: .system)
            #expect(await refusal("(3, 1, 'credit', 5, 'EUR', 5, false), (4, 2, 'debit', 5, 'EUR', 0, false)")?.contains("is frozen") == true)
            _ = try await fixture.ledger.setWalletStatus(tenantID: tenant, walletID: wallet.id, .active, by: .system)
            #expect(await refusal("(3, 1, 'credit', 5, 'EUR', 5, false), (4, 2, 'debit', 5, 'EUR', 0, false)") == nil)
            #expect(try await fixture.balance(wallet) == 0)
        }
    }

    /// Entries reference their account and their transaction (checked once per statement,
    /// not per row), and accounts, which entries reference, are never removed.
    @Test func entriesNeedTheirAccountAndTransactionAndAccountsStay() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("frank")
            let tenant = fixture.tenantID
            func sqlState(_ sql: String) async -> String? {
                do {
                    try await client.withTransaction(logger: TestDatabase.logger) { connection in
                        for statement in sql.split(separator: ";") {
                            try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: TestDatabase.logger)
                        }
                    }
                    return nil
                } catch {
                    return Self.serverError(error)?.serverInfo?[.sqlState] ?? "\(error)"
                }
            }
            let known = Identifier.makeUUID(), unknown = Identifier.makeUUID()
            let transaction = "INSERT INTO transactions (tenant_id, id, type, currency, amount) VALUES ('\(tenant)', '\(known)', 'journal', 'EUR', 5)"
            func entries(account: UUID, transaction: UUID) -> String {
                """
                INSERT INTO entries (tenant_id, account_id, transaction_id, sequence, line, direction, amount, currency, balance_after, allow_negative)
                VALUES ('\(tenant)', '\(account)', '\(transaction)', 1, 1, 'credit', 5, 'EUR', 5, false),
                       ('\(tenant)', '\(account)', '\(transaction)', 2, 2, 'debit', 5, 'EUR', 0, false)
                """
            }
            // 23503: foreign_key_violation.
            #expect(await sqlState(transaction + ";" + entries(account: wallet.id, transaction: unknown)) == "23503")
            #expect(await sqlState(transaction + ";" + entries(account: unknown, transaction: known)) == "23503")
            #expect(await sqlState(transaction + ";" + entries(account: wallet.id, transaction: known)) == nil)
            // An account, even one without entries, is never removed, nor is its key changed.
            let unused = try await fixture.makeWallet("grace")
            for statement in [
                "DELETE FROM wallets WHERE id = '\(unused.id)'; DELETE FROM accounts WHERE id = '\(unused.id)'",
                "UPDATE accounts SET id = '\(unknown)' WHERE id = '\(unused.id)'",
                "TRUNCATE accounts CASCADE",
            ] {
                #expect(await sqlState(statement) == "42501", "\(statement) must fail")
            }
            #expect(try await fixture.balance(wallet) == 0)
        }
    }

    @Test func oneIdempotencyKeyRunsOnceUnderConcurrency() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await Fixture.make(client)
            let wallet = try await fixture.makeWallet("erin")
            let renders = Counter()
            let plan = try await fixture.ledger.planFund(tenantID: fixture.tenantID, walletID: wallet.id, amount: Amount(70)!, externalRef: "once")
            func idempotent(_ body: String) -> IdempotentRequest {
                IdempotentRequest(key: "fund-once", fingerprint: Array(body.utf8)) { outcome in
                    renders.increment()
                    let id = (try? outcome.get()).map { Ledger.transactionIdentifier.format($0.id) } ?? "refused"
                    return StoredResponse(status: 201, body: Array(id.utf8))
                }!
            }
            // Two ledgers with their own posting queues stand for two Grey processes: a key
            // one of them commits while the other's batch runs makes that batch run again.
            // The second posts from the shared pool.
            let ledgers = [fixture.ledger, Ledger(client: client, logger: TestDatabase.logger)]
            let results = try await withThrowingTaskGroup(of: StoredResponse.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        switch try await ledgers[index % 2].post(plan, tenantID: fixture.tenantID, idempotency: idempotent("same body")) {
                        case .posted(_, let stored?), .rejected(_, let stored?), .replayed(let stored): return stored
                        default: return StoredResponse(status: 0, body: [])
                        }
                    }
                }
                return try await group.reduce(into: [StoredResponse]()) { $0.append($1) }
            }
            #expect(Set(results).count == 1)
            #expect(results.first?.status == 201)
            // The answer was rendered at least once; a batch that lost the race rendered its
            // own too (on either path), and it was thrown away: every caller got the same one.
            #expect(renders.value >= 1)
            #expect(try await fixture.balance(wallet) == 70)

            await #expect(throws: LedgerError.idempotencyKeyReused) {
                _ = try await fixture.ledger.post(plan, tenantID: fixture.tenantID, idempotency: idempotent("other body"))
            }
        }
    }
}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Mutex(0)

    func increment() {
        count.withLock { $0 += 1 }
    }

    var value: Int { count.withLock { $0 } }
}

/// The verifier finds what the database's own rules would have refused, when those rules
/// are switched off by someone with the power to do so.
@Suite struct LedgerVerifierTests {
    @Test func reportsABrokenChain() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await LedgerTests.Fixture.make(client)
            let wallet = try await fixture.makeWallet("mallory")
            _ = try await fixture.fund(wallet, 100)
            let verifier = LedgerVerifier(client: client, logger: TestDatabase.logger)
            #expect(try await verifier.verify().isClean)

            try await client.withTransaction(logger: TestDatabase.logger) { connection in
                try await connection.query("SET LOCAL session_replication_role = replica", logger: TestDatabase.logger)
                try await connection.query(
                    "UPDATE entries SET balance_after = balance_after + 1 WHERE account_id = \(wallet.id)", logger: TestDatabase.logger
                )
            }
            let report = try await verifier.verify()
            #expect(!report.isClean)
            #expect(report.checks.filter { $0.violations > 0 }.count >= 2)
            #expect(report.text.contains("DISCREPANCIES FOUND"))
        }
    }
}
