import Audit
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The whole journey through the API, as a finance client makes it: a user and a wallet,
/// funding, a receipt uploaded onto the funding, its thumbnail read through the signed URL,
/// then a reversal; the receipt stays with the original, and the audit chain holds.
@Suite struct ReceiptJourneyTests {
    @Test func aReceiptFollowsItsTransactionThroughAReversal() async throws {
        try await withPipeline { uploads, app in
            let client = uploads.client
            let ledger = LedgerClient(client: client, key: uploads.key)
            let user = try await client.send(.post, "/v1/users", key: uploads.key, json: #"{"externalId":"journey-1","displayName":"Ada"}"#)
            #expect(user.status == .created)
            let userID = try #require(user.json["id"] as? String)
            let wallet = try await client.send(.post, "/v1/wallets", key: uploads.key, json: #"{"userId":"\#(userID)","currency":"EUR"}"#)
            let walletID = try #require(wallet.json["id"] as? String)
            let funded = try await ledger.post("/v1/transactions/fund", #"{"walletId":"\#(walletID)","amount":12500,"externalRef":"psp-journey-1"}"#)
            #expect(funded.status == .created)
            let fundingID = try #require(funded.json["id"] as? String)

            let receipt = try await uploads.uploadAndSettle(Sample.named("photo.jpg"), transactionID: fundingID)
            #expect(receipt["status"] as? String == "ready")
            let receiptID = try #require(receipt["id"] as? String)
            let thumbnail = try #require((receipt["previews"] as? [[String: Any]])?.first { $0["kind"] as? String == "thumbnail" })
            let url = try #require(thumbnail["url"] as? String)
            let image = try await client.executeRequest(uri: UploadClient.pathAndQuery(url), method: .get, headers: [:], body: nil)
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == thumbnail["contentType"] as? String)
            #expect(Array(image.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47] || image.body.readableBytesView.first == 0xFF)
            #expect(image.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")

            let reversal = try await ledger.post("/v1/transactions/\(fundingID)/reverse", #"{"memo":"refund"}"#)
            #expect(reversal.status == .created)
            let reversalID = try #require(reversal.json["id"] as? String)
            #expect(reversal.json["reversesId"] as? String == fundingID)
            #expect(try await ledger.balance(walletID) == 0)

            #expect(try await ledger.get("/v1/transactions/\(fundingID)").json["attachments"] as? [String] == [receiptID])
            #expect(try await ledger.get("/v1/transactions/\(reversalID)").json["attachments"] as? [String] == [])
            #expect(try await uploads.file(receiptID).json["transactionIds"] as? [String] == [fundingID])
            let attached = try await ledger.get("/v1/transactions/\(fundingID)/attachments").json["data"] as? [[String: Any]] ?? []
            #expect(attached.compactMap { $0["id"] as? String } == [receiptID])
            let deleted = try await client.send(.delete, "/v1/files/\(receiptID)", key: uploads.key)
            #expect(deleted.json["code"] as? String == "file_attached")

            try await AuditSealer(client: app.client, logger: TestDatabase.logger).sealPending()
            let report = try await AuditVerifier(client: app.client, logger: TestDatabase.logger).verify()
            #expect(report.isClean && report.sealedEvents >= 7, "\(report)")
        }
    }
}
