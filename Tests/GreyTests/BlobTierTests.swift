import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingest
import NIOCore
import PostgresNIO
import S3Storage
import Storage
import Synchronization
import Testing

/// Hot and cold blob tiers: the lifecycle moves originals (never previews) to the cold
/// tier by idleness and by the hot tier's capacity, least recently read first, and the
/// origin still serves them, ranges included.
@Suite struct BlobTierTests {
    @Test func aFileMovedToColdIsStillDownloadableRangesIncluded() async throws {
        try await TieredTestApp.withPipeline { uploads, tiers in
            let sample = Sample.named("clip.mp4")
            let bytes = try sample.bytes
            let fileID = try await uploads.uploadReady(sample)
            let digest = try #require(BlobDigest(hex: sample.sha256))
            let previews = try await Self.previewDigests(tiers)
            #expect(!previews.isEmpty)

            let report = try await tiers.runLifecycle(.init(idleDays: 0))
            #expect(report.demoted == 1 && report.demotedBytes == Int64(bytes.count) && report.failed == 0)
            #expect(try await tiers.blobs.hot.head(digest) == nil)
            #expect(try await tiers.blobs.cold.head(digest)?.size == Int64(bytes.count))
            #expect(tiers.blobs.localPath(of: digest) == nil)
            for preview in previews {
                #expect(try await tiers.blobs.hot.head(preview) != nil)
                #expect(try await tiers.blobs.cold.head(preview) == nil)
            }
            // Nothing is left to move.
            #expect(try await tiers.runLifecycle(.init(idleDays: 0)).demoted == 0)

            let coldReadsBefore = try await Self.coldReads(uploads.client)
            let link = try await uploads.downloadURL(fileID)
            let whole = try await Self.get(uploads.client, link)
            #expect(whole.status == .ok)
            #expect(whole.body.readableBytesView.elementsEqual(bytes))

            let middle = try await Self.get(uploads.client, link, range: "bytes=100-1099")
            #expect(middle.status == .partialContent)
            #expect(middle.headers[.contentRange] == "bytes 100-1099/\(bytes.count)")
            #expect(middle.body.readableBytesView.elementsEqual(bytes[100..<1100]))

            let suffix = try await Self.get(uploads.client, link, range: "bytes=-100")
            #expect(suffix.status == .partialContent)
            #expect(suffix.body.readableBytesView.elementsEqual(bytes.suffix(100)))

            let multipart = try await Self.get(uploads.client, link, range: "bytes=0-3,10-13")
            #expect(multipart.status == .partialContent)
            let body = Array(multipart.body.readableBytesView)
            #expect(Self.part(of: body, range: "0-3", total: bytes.count, length: 4) == Array(bytes[0..<4]))
            #expect(Self.part(of: body, range: "10-13", total: bytes.count, length: 4) == Array(bytes[10..<14]))

            #expect(try await Self.coldReads(uploads.client) >= coldReadsBefore + 5)
        }
    }

    @Test func aRecentlyReadFileStaysHotUnderTheIdleRule() async throws {
        try await TieredTestApp.withPipeline { uploads, tiers in
            let read = try await uploads.uploadReady(Sample.named("photo.jpg"))
            _ = try await uploads.uploadReady(Sample.named("photo.png"))
            try await Self.age(tiers, days: 40)

            #expect(try await Self.get(uploads.client, try await uploads.downloadURL(read)).status == .ok)
            let recorded = try await eventually { try await Self.lastReadIsRecent(tiers) }
            #expect(recorded)

            let report = try await tiers.runLifecycle(.init(idleDays: 30))
            #expect(report.demoted == 1)
            let readDigest = try #require(BlobDigest(hex: Sample.named("photo.jpg").sha256))
            let idleDigest = try #require(BlobDigest(hex: Sample.named("photo.png").sha256))
            #expect(try await tiers.blobs.hot.head(readDigest) != nil)
            #expect(try await tiers.blobs.hot.head(idleDigest) == nil)
            #expect(try await tiers.blobs.cold.head(idleDigest) != nil)
        }
    }

    @Test func theCapacityRuleMovesTheLeastRecentlyReadFirst() async throws {
        try await TieredTestApp.withPipeline { uploads, tiers in
            _ = try await uploads.uploadReady(Sample.named("photo.jpg"))
            _ = try await uploads.uploadReady(Sample.named("photo.png"))
            try await Self.age(tiers, days: 10)
            let recent = try #require(BlobDigest(hex: Sample.named("photo.jpg").sha256))
            let older = try #require(BlobDigest(hex: Sample.named("photo.png").sha256))
            try await Self.setLastRead(tiers, digest: recent, daysAgo: 1)
            try await Self.setLastRead(tiers, digest: older, daysAgo: 5)

            // One byte over: the least recently read original goes, the other stays.
            let hotBytes = try await tiers.files.hotTierBytes()
            let report = try await tiers.runLifecycle(.init(idleDays: 30, hotCapacity: hotBytes - 1))
            #expect(report.demoted == 1)
            #expect(try await tiers.blobs.hot.head(older) == nil)
            #expect(try await tiers.blobs.hot.head(recent) != nil)
            #expect(try await tiers.files.hotTierBytes() == hotBytes - Int64(Sample.named("photo.png").size))

            // No room at all: every original goes; the previews stay.
            #expect(try await tiers.runLifecycle(.init(idleDays: 30, hotCapacity: 0)).demoted == 1)
            #expect(try await tiers.blobs.hot.head(recent) == nil)
            let previews = try await Self.previewDigests(tiers)
            #expect(!previews.isEmpty)
            for preview in previews { #expect(try await tiers.blobs.hot.head(preview) != nil) }
        }
    }

    @Test func aDemotionInterruptedAfterItsCopyEndsWithOneColdCopy() async throws {
        let directory = try await TestDatabase.makeScratchDirectory("tiers")
        let hot = try FileSystemBlobStore(root: directory)
        let cold = try await SeaweedProcess.shared().makeFreshStore()
        let counts = ReadCounts()
        let tiers = TieredBlobStore(hot: hot, cold: cold) { counts.add($0) }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let info = try await tiers.put(bytes)
        #expect(try await hot.head(info.digest) == info)
        #expect(try await cold.head(info.digest) == nil)

        // The copy happened, the removal from hot did not.
        _ = try await cold.put(bytes)
        #expect(try await tiers.demote(info.digest) == .moved(info))
        #expect(try await hot.head(info.digest) == nil)
        #expect(try await cold.head(info.digest) == info)
        #expect(try await tiers.list() == [info.digest])
        // Running it again finds the move finished.
        #expect(try await tiers.demote(info.digest) == .alreadyCold(info))

        #expect(try await Self.collect(tiers.read(info.digest, range: 1000..<2000)) == Array(bytes[1000..<2000]))
        #expect(try await Self.collect(tiers.read(info.digest, range: nil)).elementsEqual(bytes))
        #expect(counts.value(.cold) == 2 && counts.value(.hot) == 0)

        try await tiers.delete(info.digest)
        #expect(try await tiers.head(info.digest) == nil)
        await #expect(throws: BlobStoreError.notFound(info.digest)) { try await tiers.demote(info.digest) }
    }

    // MARK: - Helpers

    static func get(_ client: any TestClientProtocol, _ url: String, range: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let range { headers[.range] = range }
        return try await client.executeRequest(uri: url, method: .get, headers: headers, body: nil)
    }

    /// The bytes after a multipart part's `Content-Range` header.
    static func part(of body: [UInt8], range: String, total: Int, length: Int) -> [UInt8]? {
        let header = Array("Content-Range: bytes \(range)/\(total)\r\n\r\n".utf8)
        guard body.count >= header.count, let start = (0...(body.count - header.count)).first(where: { body[$0..<($0 + header.count)].elementsEqual(header) }) else { return nil }
        let from = start + header.count
        return from + length <= body.count ? Array(body[from..<(from + length)]) : nil
    }

    /// `grey_blob_tier_reads_total{tier="cold"}` from `/metrics` (0 before the first).
    static func coldReads(_ client: any TestClientProtocol) async throws -> Int {
        let text = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil).text
        let line = text.split(separator: "\n").first { $0.hasPrefix(#"grey_blob_tier_reads_total{tier="cold"}"#) }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
    }

    static func previewDigests(_ tiers: TieredTestApp) async throws -> [BlobDigest] {
        let rows = try await tiers.app.client.query("SELECT DISTINCT sha256 FROM file_previews", logger: TestDatabase.logger)
        var digests: [BlobDigest] = []
        for try await sha256 in rows.decode(ByteBuffer.self) { digests.append(BlobDigest(bytes: Array(buffer: sha256))!) }
        return digests
    }

    /// Moves every file's upload and processing `days` into the past.
    static func age(_ tiers: TieredTestApp, days: Int) async throws {
        try await tiers.app.client.query(
            """
            UPDATE files SET created_at = created_at - \(days) * interval '1 day', uploaded_at = uploaded_at - \(days) * interval '1 day',
                processed_at = processed_at - \(days) * interval '1 day'
            """,
            logger: TestDatabase.logger
        )
    }

    static func setLastRead(_ tiers: TieredTestApp, digest: BlobDigest, daysAgo: Int) async throws {
        try await tiers.app.client.query(
            "UPDATE files SET last_read_at = now() - \(daysAgo) * interval '1 day' WHERE sha256 = \(ByteBuffer(bytes: digest.bytes))",
            logger: TestDatabase.logger
        )
    }

    /// Whether a file's read within the last minute is recorded.
    static func lastReadIsRecent(_ tiers: TieredTestApp) async throws -> Bool {
        let rows = try await tiers.app.client.query(
            "SELECT count(*)::int FROM files WHERE last_read_at > now() - interval '1 minute'", logger: TestDatabase.logger
        )
        for try await count in rows.decode(Int.self) { return count == 1 }
        return false
    }

    static func collect(_ stream: BlobReadStream) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk.readableBytesView }
        return bytes
    }
}

/// Reads counted per tier.
private final class ReadCounts: Sendable {
    private let counts = Mutex<[BlobTier: Int]>([:])

    func add(_ tier: BlobTier) { counts.withLock { $0[tier, default: 0] += 1 } }
    func value(_ tier: BlobTier) -> Int { counts.withLock { $0[tier, default: 0] } }
}
