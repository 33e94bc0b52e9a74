import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `GET /v1/transactions.csv?walletId=`: the wallet's entries as RFC 4180 CSV, newest
/// first, typed text defused against spreadsheet formulas.
@Suite struct StatementExportTests {
    @Test func aWalletsHistoryExportsAsCSVNewestFirst() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let ledger = LedgerClient(client: client, key: key)
            let wallet = try await ledger.makeWallet(currency: "USD", funding: 1_000)
            let memo = #"=HYPERLINK("http://evil.example"),"quoted""#
            let spent = try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":250,"memo":"=HYPERLINK(\"http://evil.example\"),\"quoted\""}"#)
            #expect(spent.status == .created)
            let spendID = try #require(spent.json["id"] as? String)

            let response = try await client.send(.get, "/v1/transactions.csv?walletId=\(wallet)", key: key)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let lines = response.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines[0] == "transactionId,createdAt,type,direction,amount,currency,balanceAfter,memo,externalRef,reversesId,attachments")
            #expect(lines[1].hasPrefix("\(spendID),"))
            #expect(lines[1].contains(",spend,debit,250,USD,750,"))
            // The memo is quoted (it holds a comma and quotes) and starts with ' not =.
            let escaped = "\"'" + memo.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            #expect(lines[1].contains(escaped), "\(lines[1])")
            #expect(lines[2].contains(",fund,credit,1000,USD,1000,"))

            #expect(try await client.send(.get, "/v1/transactions.csv", key: key).status == .badRequest)
            #expect(try await client.send(.get, "/v1/transactions.csv?walletId=wal_nothing", key: key).status == .notFound)
            let otherKey = try await app.makeKey(tenant: "tenant-b")
            #expect(try await client.send(.get, "/v1/transactions.csv?walletId=\(wallet)", key: otherKey).status == .notFound)
            #expect(try await client.send(.get, "/v1/transactions.csv?walletId=\(wallet)").status == .unauthorized)
        }
    }

    @Test func longHistoriesSpanPages() async throws {
        let app = try await TestApp.make()
        let key = try await app.makeKey()
        try await app.test { client in
            let ledger = LedgerClient(client: client, key: key)
            let wallet = try await ledger.makeWallet(funding: 10_000)
            for _ in 0..<(StatementExportController.pageSize + 5) {
                #expect(try await ledger.post("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":1}"#).status == .created)
            }
            let text = try await client.send(.get, "/v1/transactions.csv?walletId=\(wallet)", key: key).text
            let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst()
            #expect(rows.count == StatementExportController.pageSize + 6)
            let balances = rows.map { $0.split(separator: ",")[6] }
            #expect(balances.first == "\(10_000 - StatementExportController.pageSize - 5)")
            #expect(balances.last == "10000")
        }
    }
}
