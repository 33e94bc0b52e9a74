import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerLink
import PostgresNIO
import Server
import Testing

/// The ledger's HTTP contract, end to end through a live server (as `grey serve` runs it:
/// money-moving POSTs with a fixed path are answered on the connection, the rest by the
/// router), the posting queue and PostgreSQL: concurrency, exactly-once writes, validation
/// and every movement.
@Suite struct LedgerHTTPTests {
    /// Runs `body` with a ledger client of a fresh live app, then checks that postings were
    /// answered on the connection and that the whole ledger is sound.
    func withLedger(_ body: @Sendable @escaping (LedgerClient) async throws -> Void) async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        // AsyncHTTPClient's pool: concurrent requests arrive on several connections at once.
        try await app.application(live: true).test(.ahc(.http)) { client in try await body(LedgerClient(client: client, key: key)) }
        #expect(app.directPostings.answeredCount > 0)
        let report = try await PostgresClient.withRunning(configuration: app.database, logger: TestDatabase.logger) { client in
            try await LedgerVerifier(client: client, logger: TestDatabase.logger).verify()
        }
        #expect(report.isClean, "\(report.text)")
        #expect(report.transactions > 0)
    }

    @Test func hundredConcurrentSpendsOfTenFromFiveHundred() async throws {
        try await withLedger { ledger in
            let wallet = try await ledger.makeWallet(funding: 500)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":10}"#).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 50)
            #expect(statuses.filter { $0 == 402 }.count == 50)
            #expect(try await ledger.balance(wallet) == 0)
        }
    }

    @Test func randomTransfersKeepTotalsWhileReadersWatch() async throws {
        try await withLedger { ledger in
            var wallets: [String] = []
            for _ in 0..<20 { wallets.append(try await ledger.makeWallet(funding: 1_000)) }
            let funded: Int64 = 20 * 1_000
            let all = wallets
            let (statuses, totals) = try await withThrowingTaskGroup(of: ([Int], [Int64]).self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        var statuses: [Int] = []
                        for _ in 0..<200 {
                            let from = all.randomElement()!
                            var to = all.randomElement()!
                            while to == from { to = all.randomElement()! }
                            let response = try await ledger.post(
                                "/v1/transactions/transfer",
                                #"{"fromWalletId":"\#(from)","toWalletId":"\#(to)","amount":\#(Int.random(in: 1...300))}"#
                            )
                            statuses.append(response.status.code)
                            for entry in response.json["entries"] as? [[String: Any]] ?? [] {
                                #expect(((entry["balanceAfter"] as? NSNumber)?.int64Value ?? -1) >= 0)
                            }
                        }
                        return (statuses, [])
                    }
                }
                group.addTask {
                    var totals: [Int64] = []
                    for _ in 0..<40 {
                        let report = try await ledger.get("/v1/reports/trial-balance?currency=EUR").json
                        let totalsBody = report["totals"] as? [String: Any]
                        totals.append((totalsBody?["liability"] as? NSNumber)?.int64Value ?? -1)
                        #expect(report["balanced"] as? Bool == true)
                    }
                    return ([], totals)
                }
                return try await group.reduce(into: ([Int](), [Int64]())) { $0.0 += $1.0; $0.1 += $1.1 }
            }
            #expect(statuses.count == 32 * 200)
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 402 }, "unexpected statuses: \(Set(statuses))")
            #expect(statuses.filter { $0 == 201 }.count > 0)
            #expect(totals.count == 40)
            #expect(totals.allSatisfy { $0 == funded }, "totals seen: \(Set(totals))")
            var sum: Int64 = 0
            for wallet in all {
                let balance = try await ledger.balance(wallet)
                #expect(balance >= 0)
                sum += balance
            }
            #expect(sum == funded)
            // Batches of known wallets post optimistically; those the cached balances cannot
            // pay (402s) and the first on each wallet post locked. One process: none refused.
            let metrics = try await ledger.get("/metrics").text
            func batches(_ path: String) -> Int? {
                let prefix = #"grey_ledger_posting_batches_total{path="\#(path)"} "#
                return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) }
            }
            #expect((batches("optimistic") ?? 0) > 0, "\(metrics)")
            #expect((batches("locked") ?? 0) > 0)
            #expect(batches("refused") == nil)
        }
    }

    @Test func oneKeySentTwentyTimesPostsOnce() async throws {
        try await withLedger { ledger in
            let wallet = try await ledger.makeWallet()
            let body = #"{"walletId":"\#(wallet)","amount":700,"externalRef":"psp-charge-1"}"#
            let responses = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await ledger.post("/v1/transactions/fund", body, idempotencyKey: "fund-1")
                        return (response.status.code, response.text, response.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                    }
                }
                return try await group.reduce(into: [(Int, String, Bool)]()) { $0.append($1) }
            }
            #expect(Set(responses.map(\.0)) == [201])
            #expect(Set(responses.map(\.1)).count == 1)
            #expect(responses.filter { !$0.2 }.count == 1)
            #expect(try await ledger.balance(wallet) == 700)
            let listed = try await ledger.get("/v1/transactions?walletId=\(wallet)").json["data"] as? [[String: Any]]
            #expect(listed?.count == 1)

            let other = try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":701,"externalRef":"psp-charge-1"}"#, idempotencyKey: "fund-1")
            #expect(other.status.code == 422)
            #expect(other.json["code"] as? String == "idempotency_key_reused")

            let missing = try await ledger.post("/v1/transactions/fund", body, idempotencyKey: nil)
            #expect(missing.status.code == 400)
            #expect(missing.json["code"] as? String == "idempotency_key_required")

            // A business rejection is stored and replayed too.
            let short = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":5000}"#, idempotencyKey: "spend-1")
            #expect(short.status.code == 402)
            _ = try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":5000,"externalRef":"psp-2"}"#)
            let again = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":5000}"#, idempotencyKey: "spend-1")
            #expect(again.status.code == 402)
            #expect(again.text == short.text)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
        }
    }

    @Test(arguments: ["0", "-5", "1.5", "\"10\"", "9007199254740992", "1e30", "null", "true"])
    func invalidAmountsAre422(_ amount: String) async throws {
        try await withLedger { ledger in
            let wallet = try await ledger.makeWallet(funding: 10)
            let response = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":\#(amount)}"#)
            #expect(response.status.code == 422)
            #expect(response.json["code"] as? String == "invalid_amount")
        }
    }

    @Test func unknownWalletsFrozenWalletsAndTransferRules() async throws {
        try await withLedger { ledger in
            let wallet = try await ledger.makeWallet(funding: 100)
            let dollars = try await ledger.makeWallet(currency: "USD", funding: 100)
            let unknown = "wal_" + String(repeating: "0", count: 32)
            #expect(try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(unknown)","amount":1}"#).status.code == 404)
            #expect(try await ledger.get("/v1/wallets/\(unknown)").status.code == 404)

            let same = try await ledger.post("/v1/transactions/transfer", #"{"fromWalletId":"\#(wallet)","toWalletId":"\#(wallet)","amount":1}"#)
            #expect(same.json["code"] as? String == "same_wallet")
            let mismatch = try await ledger.post("/v1/transactions/transfer", #"{"fromWalletId":"\#(wallet)","toWalletId":"\#(dollars)","amount":1}"#)
            #expect(mismatch.json["code"] as? String == "currency_mismatch")

            let frozen = try await ledger.post("/v1/wallets/\(wallet)/freeze", "{}", idempotencyKey: nil)
            #expect(frozen.json["status"] as? String == "frozen")
            let refused = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":1}"#)
            #expect(refused.status.code == 423)
            #expect(refused.json["code"] as? String == "wallet_frozen")
            _ = try await ledger.post("/v1/wallets/\(wallet)/unfreeze", "{}", idempotencyKey: nil)
            #expect(try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":1}"#).status.code == 201)
        }
    }

    @Test func fundingReversalHistoryAndBalanceAsOf() async throws {
        try await withLedger { ledger in
            let wallet = try await ledger.makeWallet()
            let first = try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":300,"externalRef":"psp-9"}"#)
            #expect(first.status.code == 201)
            let firstID = first.json["id"] as! String
            let duplicate = try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":300,"externalRef":"psp-9"}"#)
            #expect(duplicate.status.code == 409)
            #expect(duplicate.json["transactionId"] as? String == firstID)
            let afterFunding = Date()
            try await Task.sleep(for: .milliseconds(20))

            _ = try await ledger.post("/v1/transactions/bonus", #"{"walletId":"\#(wallet)","amount":50,"reason":"welcome"}"#)
            let reversal = try await ledger.post("/v1/transactions/\(firstID)/reverse", "")
            #expect(reversal.status.code == 201)
            #expect(reversal.json["reversesId"] as? String == firstID)
            #expect(try await ledger.balance(wallet) == 50)
            let twice = try await ledger.post("/v1/transactions/\(firstID)/reverse", "{}")
            #expect(twice.json["code"] as? String == "already_reversed")

            let asOf = afterFunding.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let then = try await ledger.get("/v1/wallets/\(wallet)/balance?asOf=\(asOf)").json
            #expect((then["balance"] as? NSNumber)?.int64Value == 300)

            let page1 = try await ledger.get("/v1/transactions?walletId=\(wallet)&limit=2").json
            let items = page1["data"] as? [[String: Any]] ?? []
            #expect(items.map { $0["type"] as? String } == ["reversal", "bonus"])
            let cursor = page1["nextCursor"] as! String
            let page2 = try await ledger.get("/v1/transactions?walletId=\(wallet)&limit=2&cursor=\(cursor)").json
            #expect((page2["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [firstID])
            #expect(page2["nextCursor"] is NSNull)
            let bonuses = try await ledger.get("/v1/transactions?type=bonus").json["data"] as? [[String: Any]]
            #expect(bonuses?.count == 1)
            #expect(try await ledger.get("/v1/transactions/\(firstID)").json["externalRef"] as? String == "psp-9")
        }
    }

    @Test func journalAccountsMerchantsAndTrialBalance() async throws {
        try await withLedger { ledger in
            let cash = try await ledger.client.send(
                .post, "/v1/accounts", key: ledger.key,
                json: #"{"code":"bank-1","name":"Bank","type":"asset","currency":"EUR","allowNegative":false}"#
            )
            #expect(cash.status.code == 201)
            let equity = try await ledger.client.send(
                .post, "/v1/accounts", key: ledger.key,
                json: #"{"code":"capital","name":"Capital","type":"equity","currency":"EUR","allowNegative":false}"#
            )
            let again = try await ledger.client.send(
                .post, "/v1/accounts", key: ledger.key,
                json: #"{"code":"capital","name":"Capital","type":"equity","currency":"EUR","allowNegative":false}"#
            )
            #expect(again.json["code"] as? String == "account_exists")
            let cashID = cash.json["id"] as! String
            let equityID = equity.json["id"] as! String
            let unbalanced = try await ledger.post(
                "/v1/transactions", #"{"entries":[{"accountId":"\#(cashID)","direction":"debit","amount":10},{"accountId":"\#(equityID)","direction":"credit","amount":9}]}"#
            )
            #expect(unbalanced.json["code"] as? String == "unbalanced")
            let journal = try await ledger.post(
                "/v1/transactions", #"{"entries":[{"accountId":"\#(cashID)","direction":"debit","amount":1000},{"accountId":"\#(equityID)","direction":"credit","amount":1000}],"memo":"capital"}"#
            )
            #expect(journal.status.code == 201)
            #expect(journal.json["type"] as? String == "journal")

            let merchant = try await ledger.client.send(.post, "/v1/merchants", key: ledger.key, json: #"{"name":"Coffee","currency":"EUR"}"#).json
            let merchantID = merchant["id"] as! String
            let charge = try await ledger.post("/v1/merchants/\(merchantID)/charges", #"{"amount":1000,"fee":30,"externalRef":"ch_1"}"#)
            #expect(charge.status.code == 201)
            #expect(try await ledger.post("/v1/merchants/\(merchantID)/charges", #"{"amount":1000,"fee":30,"externalRef":"ch_1"}"#).status.code == 409)
            var balance = try await ledger.get("/v1/merchants/\(merchantID)/balance").json
            #expect((balance["balance"] as? NSNumber)?.int64Value == 970)
            #expect(try await ledger.post("/v1/merchants/\(merchantID)/payouts", #"{"amount":971}"#).status.code == 402)
            #expect(try await ledger.post("/v1/merchants/\(merchantID)/payouts", #"{"amount":70}"#).status.code == 201)
            let rest = try await ledger.post("/v1/merchants/\(merchantID)/payouts", "{}")
            #expect((rest.json["amount"] as? NSNumber)?.int64Value == 900)
            balance = try await ledger.get("/v1/merchants/\(merchantID)/balance").json
            #expect((balance["balance"] as? NSNumber)?.int64Value == 0)
            #expect(try await ledger.post("/v1/merchants/\(merchantID)/payouts", "{}").status.code == 402)

            let report = try await ledger.get("/v1/reports/trial-balance?currency=EUR").json
            #expect(report["balanced"] as? Bool == true)
            let totals = report["totals"] as? [String: Any]
            #expect((totals?["revenue"] as? NSNumber)?.int64Value == 30)
            #expect((totals?["equity"] as? NSNumber)?.int64Value == 1000)
            let accounts = try await ledger.get("/v1/accounts?currency=EUR").json["data"] as? [[String: Any]]
            #expect(accounts?.contains { $0["code"] as? String == "capital" } == true)
        }
    }
}
