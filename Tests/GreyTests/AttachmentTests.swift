import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

/// Receipts linked to posted transactions: at upload or later, listed both ways, unlinked
/// without losing the file, and a linked file cannot be deleted; all per tenant.
@Suite struct AttachmentTests {
    @Test func aFileAttachedAtUploadShowsOnBothSidesAndInTheFilters() async throws {
        try await withPipeline { uploads, _ in
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            let transaction = try await ledger.fundedTransaction()
            let file = try await uploads.uploadAndSettle(Sample.named("photo.jpg"), transactionID: transaction)
            let fileID = try #require(file["id"] as? String)
            #expect(file["transactionIds"] as? [String] == [transaction])

            let posted = try await ledger.get("/v1/transactions/\(transaction)").json
            #expect(posted["attachments"] as? [String] == [fileID])
            let listed = try await ledger.get("/v1/transactions/\(transaction)/attachments")
            #expect(listed.status == .ok)
            let files = listed.json["data"] as? [[String: Any]] ?? []
            #expect(files.map { $0["id"] as? String } == [fileID])
            #expect((files.first?["previews"] as? [[String: Any]])?.isEmpty == false)

            #expect(try await ledger.fileIDs("/v1/files?transactionId=\(transaction)") == [fileID])
            #expect(try await ledger.fileIDs("/v1/files?status=ready") == [fileID])
            #expect(try await ledger.fileIDs("/v1/files?status=rejected") == [])
            #expect(try await ledger.get("/v1/files?status=lost").status == .badRequest)
        }
    }

    @Test func attachingLaterUnlinkingAndDeletingFollowTheContract() async throws {
        try await withPipeline { uploads, app in
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            let transaction = try await ledger.fundedTransaction()
            let file = try await uploads.uploadAndSettle(Sample.named("document.pdf"))
            let fileID = try #require(file["id"] as? String)
            let path = "/v1/transactions/\(transaction)/attachments"

            let attached = try await ledger.post(path, #"{"fileId":"\#(fileID)"}"#, idempotencyKey: nil)
            #expect(attached.status == .created)
            #expect(attached.json["transactionIds"] as? [String] == [transaction])
            let again = try await ledger.post(path, #"{"fileId":"\#(fileID)"}"#, idempotencyKey: nil)
            #expect(again.status == .conflict)
            #expect(again.json["code"] as? String == "already_attached")
            #expect(try await ledger.post(path, #"{"fileId":"fil_unknown"}"#, idempotencyKey: nil).status == .notFound)
            let unknownTransaction = "/v1/transactions/txn_0000000000000000000000/attachments"
            #expect(try await ledger.post(unknownTransaction, #"{"fileId":"\#(fileID)"}"#, idempotencyKey: nil).status == .notFound)
            #expect(try await ledger.post(path, "{}", idempotencyKey: nil).status == .badRequest)

            let refused = try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: uploads.key)
            #expect(refused.status == .conflict)
            #expect(refused.json["code"] as? String == "file_attached")

            #expect(try await uploads.client.send(.delete, "\(path)/\(fileID)", key: uploads.key).status == .noContent)
            #expect(try await uploads.client.send(.delete, "\(path)/\(fileID)", key: uploads.key).status == .notFound)
            // Unlinked, the file is kept.
            let kept = try await uploads.file(fileID)
            #expect(kept.status == .ok)
            #expect(kept.json["transactionIds"] as? [String] == [])

            let digest = try #require(BlobDigest(hex: Sample.named("document.pdf").sha256))
            #expect(try await app.blobs.head(digest) != nil)
            #expect(try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: uploads.key).status == .noContent)
            #expect(try await uploads.file(fileID).status == .notFound)
            #expect(try await app.blobs.head(digest) == nil)
            #expect(try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: uploads.key).status == .notFound)
        }
    }

    @Test func anUploadNamingAnUnknownTransactionRecordsNothing() async throws {
        try await withPipeline { uploads, _ in
            let sample = Sample.named("photo.png")
            let declared = try await uploads.declare(
                filename: sample.filename, contentType: sample.declaredType, size: sample.size, sha256: sample.sha256,
                transactionID: "txn_0000000000000000000000"
            )
            #expect(declared.status == .notFound)
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            #expect(try await ledger.fileIDs("/v1/files") == [])
        }
    }

    @Test func anotherTenantSeesAndLinksNothing() async throws {
        try await withPipeline { uploads, app in
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            let transaction = try await ledger.fundedTransaction()
            let file = try await uploads.uploadAndSettle(Sample.named("photo.jpg"), transactionID: transaction)
            let fileID = try #require(file["id"] as? String)

            let otherKey = try await app.makeKey(tenant: "tenant-b")
            let other = LedgerClient(client: uploads.client, key: otherKey)
            let otherUploads = UploadClient(client: uploads.client, key: otherKey)
            #expect(try await other.get("/v1/transactions/\(transaction)/attachments").status == .notFound)
            #expect(try await other.fileIDs("/v1/files") == [])
            #expect(try await other.fileIDs("/v1/files?transactionId=\(transaction)") == [])
            #expect(try await otherUploads.file(fileID).status == .notFound)
            #expect(try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: otherKey).status == .notFound)
            #expect(
                try await uploads.client.send(.delete, "/v1/transactions/\(transaction)/attachments/\(fileID)", key: otherKey).status == .notFound
            )
            // Its own file on the first tenant's transaction, and the first tenant's file on its own.
            let own = try await otherUploads.uploadAndSettle(Sample.named("photo.png"))
            let ownID = try #require(own["id"] as? String)
            let linkForeign = try await other.post(
                "/v1/transactions/\(transaction)/attachments", #"{"fileId":"\#(ownID)"}"#, idempotencyKey: nil
            )
            #expect(linkForeign.status == .notFound)
            let ownTransaction = try await other.fundedTransaction()
            let linkTheirs = try await other.post(
                "/v1/transactions/\(ownTransaction)/attachments", #"{"fileId":"\#(fileID)"}"#, idempotencyKey: nil
            )
            #expect(linkTheirs.status == .notFound)
            #expect(try await ledger.get("/v1/transactions/\(transaction)").json["attachments"] as? [String] == [fileID])
        }
    }
}

extension LedgerClient {
    /// A new funded wallet's funding transaction id.
    func fundedTransaction(amount: Int64 = 5_000) async throws -> String {
        let wallet = try await makeWallet()
        let funded = try await post("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":\#(amount),"externalRef":"\#(UUID().uuidString)"}"#)
        return try #require(funded.json["id"] as? String, "\(funded.status) \(funded.text)")
    }

    /// The ids of a page of files.
    func fileIDs(_ path: String) async throws -> [String] {
        let page = try await get(path)
        guard page.status == .ok else { throw UploadTestError("\(path): \(page.status) \(page.text)") }
        return (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}
