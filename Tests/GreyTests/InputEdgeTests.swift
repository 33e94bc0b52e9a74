import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

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

    /// Two wallets holding 513 maximum fundings or bonuses each sum past 2^63: the trial balance adds
    /// up in 128 bits and answers, where 64-bit sums trapped and took the server down.
    @Test func aTrialBalancePast64BitsIsAnswered() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let ledger = LedgerClient(client: client, key: key)
            let wallets = [try await ledger.makeWallet(currency: "OVF"), try await ledger.makeWallet(currency: "OVF")]
            let maximum: Int64 = 9_007_199_254_740_991
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<16 {
                    group.addTask {
                        for index in stride(from: lane, to: 1_026, by: 16) {
                            // Funding debits the clearing asset, a bonus the promotions expense: each
                            // stays within 64 bits while the two wallets together do not.
                            let funded = index % 2 == 0
                                ? try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(wallets[0])","amount":\#(maximum),"externalRef":"\#(UUID().uuidString)"}"#)
                                : try await ledger.post("/v1/transactions/bonus", #"{"walletId":"\#(wallets[1])","amount":\#(maximum),"reason":"promotion"}"#)
                            #expect(funded.status == .created, "\(funded.text)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let report = try await ledger.get("/v1/reports/trial-balance?currency=OVF")
            #expect(report.status == .ok)
            #expect(report.json["balanced"] as? Bool == true)
            // 1,026 x (2^53 - 1) = 9,241,386,435,364,256,766, past Int64.max (9,223,372,036,854,775,807).
            #expect(report.text.contains(#""liability":9241386435364256766"#), "\(report.text)")
        }
    }
}

/// `RFC3339Timestamp`: what RFC 3339 allows, and nothing else.
@Suite struct RFC3339TimestampTests {
    @Test(arguments: [
        ("2026-01-31T12:00:00Z", 1_769_860_800.0), ("2026-01-31t12:00:00z", 1_769_860_800.0),
        ("2026-01-31T12:00:00.250Z", 1_769_860_800.25), ("2026-01-31T12:00:00+23:59", 1_769_860_800.0 - 86_340),
        ("2026-01-31T12:00:00-05:30", 1_769_860_800.0 + 19_800), ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("2016-12-31T23:59:60Z", 1_483_228_800.0), ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        ("1970-01-01T00:00:00Z", 0.0),
    ])
    func validTimestampsParse(_ text: String, _ seconds: Double) throws {
        let date = try #require(RFC3339Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: [
        "2026-02-30T12:00:00Z", "2025-02-29T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T12:60:00Z", "2026-1-31T12:00:00Z",
        "2026-01-31T12:00:61Z", "2026-01-31T12:00:00+24:00", "2026-01-31T12:00:00", "2026-01-31 12:00:00Z", "2026-01-31T12:00:00.Z",
        "2026-01-31T12:00:00ZZ", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "",
    ])
    func invalidTimestampsDoNot(_ text: String) {
        #expect(RFC3339Timestamp.parse(text) == nil)
    }
}
