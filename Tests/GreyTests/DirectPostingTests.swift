import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Tenancy
import Testing

/// Money-moving POSTs answered on the connection (``DirectPostings``) get the answers the
/// router gives: the same statuses, codes, fields and replays, for every kind of refusal.
@Suite struct DirectPostingTests {
    @Test func answersAsTheRouterDoes() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        let readOnly = try await app.makeKey(scopes: [.ledgerRead])
        try await app.test(live: true) { client in
            let ledger = LedgerClient(client: client, key: key)
            let rich = try await ledger.makeWallet(funding: 10_000)
            let poor = try await ledger.makeWallet()
            let account = try await ledger.get("/v1/wallets/\(rich)").json["accountId"] as? String ?? "acc_missing"

            /// The same exchanges, with keys and references of their own for each `run`.
            @Sendable func exchanges(_ run: String) async throws -> [String] {
                let transfer = #"{"fromWalletId":"\#(rich)","toWalletId":"\#(poor)","amount":10}"#
                var answers: [TestResponse] = []
                answers.append(try await ledger.post("/v1/transactions/transfer", transfer, idempotencyKey: "\(run)-1"))
                answers.append(try await ledger.post("/v1/transactions/transfer", transfer, idempotencyKey: "\(run)-1"))
                answers.append(try await ledger.post("/v1/transactions/transfer", #"{"fromWalletId":"\#(rich)","toWalletId":"\#(poor)","amount":11}"#, idempotencyKey: "\(run)-1"))
                answers.append(try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(poor)","amount":1000000}"#))
                answers.append(try await ledger.post("/v1/transactions/spend", #"{"walletId":"wal_00000000000000000000000000000000","amount":1}"#))
                answers.append(try await ledger.post("/v1/transactions/bonus", #"{"walletId":"\#(poor)","amount":"1.5","reason":"r"}"#))
                answers.append(try await ledger.post("/v1/transactions/bonus", #"{"walletId":"\#(poor)","amount":5,"reason":"welcome"}"#))
                answers.append(try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(poor)","amount":5,"externalRef":"\#(run)-psp"}"#))
                answers.append(try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(poor)","amount":5,"externalRef":"\#(run)-psp"}"#))
                answers.append(try await ledger.post("/v1/transactions/transfer", transfer, idempotencyKey: nil))
                answers.append(try await ledger.post("/v1/transactions/transfer", "{not json"))
                answers.append(try await ledger.post("/v1/transactions", #"{"entries":[{"accountId":"\#(account)","direction":"debit","amount":3}]}"#))
                answers.append(try await client.send(.post, "/v1/transactions/transfer", key: "grey_not_a_key", json: transfer, headers: [HTTPField.Name("Idempotency-Key")!: "\(run)-2"]))
                answers.append(try await client.send(.post, "/v1/transactions/transfer", key: readOnly, json: transfer, headers: [HTTPField.Name("Idempotency-Key")!: "\(run)-3"]))
                answers.append(try await client.send(
                    .post, "/v1/transactions/transfer", key: key, json: transfer,
                    headers: [HTTPField.Name("Idempotency-Key")!: "\(run)-4", HTTPField.Name("X-Request-Id")!: "trace-\(run)"]
                ))
                return answers.map { answer in
                    let json = (try? JSONSerialization.jsonObject(with: Data(answer.text.utf8))) as? [String: Any]
                    let requestID = (answer.headers[HTTPField.Name("X-Request-Id")!] ?? "").replacingOccurrences(of: run, with: "<run>")
                    return [
                        String(answer.status.code), answer.headers[.contentType] ?? "-", answer.headers[HTTPField.Name("Idempotent-Replayed")!] ?? "-",
                        answer.headers[.wwwAuthenticate] ?? "-", json?["code"] as? String ?? json?["type"] as? String ?? "-",
                        requestID.hasPrefix("trace") ? requestID : "generated",
                    ].joined(separator: " ")
                }
            }

            let before = app.directPostings.answeredCount
            let direct = try await exchanges("direct")
            let answeredDirectly = app.directPostings.answeredCount - before
            app.directPostings.isEnabled = false
            let routed = try await exchanges("routed")
            #expect(app.directPostings.answeredCount - before == answeredDirectly, "none answered on the connection when switched off")
            #expect(answeredDirectly == direct.count)
            #expect(direct == routed)
            #expect(direct.first == "201 application/json - - transfer generated")
            #expect(direct[1] == "201 application/json true - transfer generated")
            #expect(direct.last == "201 application/json - - transfer trace-<run>")
        }
    }
}
