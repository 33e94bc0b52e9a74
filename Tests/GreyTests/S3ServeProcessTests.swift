import Foundation
import NIOHTTP1
import S3Storage
import Storage
import Testing

/// `grey serve` and its `grey-worker` processes with `GREY_BLOB_STORE` naming a bucket on
/// SeaweedFS: the upload lands in the bucket, a worker decodes it from there (through a
/// temporary copy), the origin serves it, and nothing is kept in the data directory.
@Suite struct S3ServeProcessTests {
    @Test func theServerAndItsWorkersKeepBlobsInTheBucket() async throws {
        let weed = try await SeaweedProcess.shared()
        let bucket = try await weed.makeFreshStore()
        let data = try await TestDatabase.makeScratchDirectory("serve-s3")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"], environment: [
            "GREY_BLOB_STORE": "s3://\(bucket.configuration.bucket)?endpoint=http://127.0.0.1:\(weed.s3Port)",
            "GREY_S3_ACCESS_KEY": SeaweedProcess.accessKey, "GREY_S3_SECRET_KEY": weed.secretKey,
        ])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        let http = ServeProcessTests()

        let sample = Sample.named("photo.jpg")
        let fileID = try await WorkerProcessTests.upload(try sample.bytes, filename: sample.filename, type: sample.declaredType, port: ready.port, key: ready.developmentKey)
        let file = try await WorkerProcessTests.settled(fileID, port: ready.port, key: ready.developmentKey)
        #expect(file["status"] as? String == "ready", "\(file)")
        #expect((file["previews"] as? [Any])?.count == 2)

        // The original and its previews are objects of the bucket; the data directory holds no blob.
        let stored = Set(try await bucket.list())
        #expect(stored.contains(BlobDigest(hex: sample.sha256)!))
        #expect(stored.count == 3)
        let local = FileManager.default.enumerator(atPath: data + "/blobs")?.allObjects.compactMap { $0 as? String } ?? []
        #expect(!local.contains { $0.hasSuffix(sample.sha256) })

        let link = try await http.request(.POST, port: ready.port, "/v1/files/\(fileID)/download-url", key: ready.developmentKey, json: "{}")
        let url = try #require((try JSONSerialization.jsonObject(with: Data(link.body.utf8)) as? [String: Any])?["url"] as? String)
        let path = try #require(URLComponents(string: url)).percentEncodedPath + "?" + (URLComponents(string: url)?.percentEncodedQuery ?? "")
        let download = try await http.request(.GET, port: ready.port, path)
        #expect(download.status == 200)
        #expect(Array(download.body.utf8).count > 0)

        let readiness = try await http.request(.GET, port: ready.port, "/readyz")
        #expect(readiness.status == 200, "\(readiness.body)")
        #expect(readiness.body.contains(#""storage":"ok""#))
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
