import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Inputs at the edges of their limits, found by schemathesis: each is a clear 4xx or a
/// success, never a 500 from a database constraint.
@Suite struct InputEdgeTests {
    @Test func limitsCountCodePointsAsTheDatabaseDoes() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let ledger = LedgerClient(client: client, key: key)
            // 255 characters is the limit: the derived wallet and payable account names must fit too.
            let long = String(repeating: "0", count: 255)
            let user = try await client.send(.post, "/v1/users", key: key, json: #"{"externalId":"\#(long)"}"#)
            #expect(user.status == .created)
            let userID = try #require(user.json["id"] as? String)
            #expect(try await client.send(.post, "/v1/wallets", key: key, json: #"{"userId":"\#(userID)","currency":"EUR"}"#).status == .created)
            #expect(try await client.send(.post, "/v1/merchants", key: key, json: #"{"name":"\#(long)","currency":"EUR"}"#).status == .created)

            // 600 "é" written as e + combining accent: 600 characters, 1,200 code points.
            let wallet = try await ledger.makeWallet(funding: 100)
            let accents = String(repeating: "e\\u0301", count: 600)
            let spent = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":1,"memo":"\#(accents)"}"#)
            #expect(spent.status == .badRequest, "\(spent.text)")
            let name = try await client.send(.post, "/v1/merchants", key: key, json: #"{"name":"\#(String(repeating: "e\\u0301", count: 200))","currency":"EUR"}"#)
            #expect(name.status == .badRequest, "\(name.text)")
        }
    }

    @Test func lowerCaseRFC3339AndForgedCursorsAreAnswered() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let ledger = LedgerClient(client: client, key: key)
            let wallet = try await ledger.makeWallet(funding: 100)
            #expect(try await ledger.get("/v1/wallets/\(wallet)/balance?asOf=2026-01-31t12%3A00%3A00z").status == .ok)
            // A time cursor far past any timestamp PostgreSQL can hold.
            let forged = "dDo5MjIzMzcyMDM2ODU0Nzc1ODA3OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"
            #expect(try await ledger.get("/v1/accounts?currency=EUR&cursor=\(forged)").status == .badRequest)
            #expect(try await ledger.get("/v1/transactions?cursor=\(forged)").status == .badRequest)
        }
    }
}
