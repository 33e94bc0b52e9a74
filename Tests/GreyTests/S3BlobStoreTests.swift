import Crypto
import Foundation
import NIOCore
import Testing

@testable import S3Storage
import Storage

/// The S3 blob store against a real SeaweedFS that checks signatures: the behaviours of
/// ``FileSystemBlobStoreTests``, for one-PUT and multipart bodies, and nothing left behind
/// by a refused body (no object, no unfinished multipart upload).
@Suite(.serialized) struct S3BlobStoreTests {
    typealias Bodies = FileSystemBlobStoreTests
    struct Refused: Error {}

    /// Every key in the store's bucket, blobs or not.
    static func everything(in store: S3BlobStore) async throws -> [String] { try await store.keys(under: "") }

    @Test func storesReadsRangesListsAndDeletes() async throws {
        try await SeaweedProcess.withRunning { weed in
            let store = try weed.makeStore()
            let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            let digest = Bodies.digest(of: bytes)
            let inspected = InspectedPrefix()
            let info = try await store.put(digest, size: Int64(bytes.count), from: Bodies.body(bytes)) { head in inspected.set(head) }
            #expect(info == BlobInfo(digest: digest, size: 3_000_000))
            #expect(inspected.bytes == Array(bytes.prefix(BlobStoreLimits.inspectedPrefix)))
            #expect(try await store.head(digest) == info)
            #expect(
                try await Self.everything(in: store) == ["blobs/\(digest.hex.prefix(2))/\(digest.hex.dropFirst(2).prefix(2))/\(digest.hex)"]
            )

            #expect(try await Self.read(store, digest, 1_000_000..<2_500_001) == Array(bytes[1_000_000..<2_500_001]))
            #expect(try await Self.read(store, digest, nil) == bytes)
            #expect(try await Self.read(store, digest, 2_999_999..<3_000_000) == [bytes[2_999_999]])
            #expect(try await Self.read(store, digest, 3_000_000..<3_000_000) == [])
            await #expect(throws: BlobStoreError.rangeOutOfBounds(0..<3_000_001, size: 3_000_000)) {
                _ = try await store.read(digest, range: 0..<3_000_001)
            }
            await #expect(throws: BlobStoreError.rangeOutOfBounds(3_000_000..<3_000_010, size: 3_000_000)) {
                _ = try await store.read(digest, range: 3_000_000..<3_000_010)
            }

            // The same bytes again: stored once.
            _ = try await store.put(digest, size: Int64(bytes.count), from: Bodies.body(bytes, chunkSize: 65_536)) { _ in }
            #expect(try await store.list() == [digest])
            try await store.delete(digest)
            try await store.delete(digest)
            #expect(try await store.head(digest) == nil)
            #expect(try await store.list() == [])
            await #expect(throws: BlobStoreError.notFound(digest)) { _ = try await store.read(digest, range: nil) }
            await #expect(throws: BlobStoreError.notFound(digest)) { _ = try await store.read(digest, range: 0..<0) }

            // An empty blob is a blob.
            let empty = Bodies.digest(of: [])
            #expect(try await store.put(empty, size: 0, from: Bodies.body([])) { _ in }.size == 0)
            #expect(try await store.head(empty)?.size == 0)
            #expect(try await Self.read(store, empty, nil) == [])

            // Lists go on over pages (continuation tokens).
            var stored: Set<BlobDigest> = [empty]
            for number in 0..<4 { stored.insert(try await store.put(Array("blob \(number)".utf8)).digest) }
            #expect(Set(try await store.list()) == stored)
            #expect(Set(try await store.keys(under: "blobs/", pageSize: 2)) == Set(stored.map(S3BlobStore.key(of:))))
        }
    }

    /// One size sent by one PUT, one sent as a multipart upload of three parts.
    @Test(arguments: [250_000, (17 << 20) + 12_345])
    func refusedBodiesLeaveNothing(count: Int) async throws {
        try await SeaweedProcess.withRunning { weed in
            let store = try weed.makeStore()
            let bytes = Self.generated(count: count)
            let digest = Bodies.digest(of: bytes)
            let size = Int64(count)

            await Bodies.expectWrongBodiesRefused(by: store, bytes)
            await #expect(throws: Refused.self) {
                _ = try await store.put(digest, size: size, from: Bodies.body(bytes)) { _ in throw Refused() }
            }
            // A body that fails mid-way (a client gone): when there are parts, after the
            // first went up (the upload is then seen unfinished), else before anything did.
            let hasParts = count > 9 << 20
            let midway = Midway()
            let first = ByteBuffer(bytes: bytes[0..<(hasParts ? 9 << 20 : 1000)])
            let failing = AsyncThrowingStream<ByteBuffer, any Error> {
                guard midway.uploads != nil else {
                    midway.uploads = []
                    return first
                }
                midway.uploads = try await store.unfinishedUploads()
                throw Refused()
            }
            await #expect(throws: Refused.self) { _ = try await store.put(digest, size: size, from: failing) { _ in } }
            #expect(midway.uploads == (hasParts ? [S3BlobStore.key(of: digest)] : []))

            #expect(try await store.head(digest) == nil)
            #expect(try await Self.everything(in: store) == [])
            #expect(try await store.unfinishedUploads() == [])
        }
    }

    @Test func aMultipartUploadRoundTrips() async throws {
        try await SeaweedProcess.withRunning { weed in
            let store = try weed.makeStore()
            let bytes = Self.generated(count: 20 << 20)
            let digest = Bodies.digest(of: bytes)
            let inspected = InspectedPrefix()
            let info = try await store.put(digest, size: Int64(bytes.count), from: Self.stream(bytes)) { head in inspected.set(head) }
            #expect(info == BlobInfo(digest: digest, size: 20 << 20))
            #expect(inspected.bytes == Array(bytes.prefix(BlobStoreLimits.inspectedPrefix)))
            #expect(try await store.head(digest) == info)
            #expect(try await store.unfinishedUploads() == [])

            var hash = SHA256()
            var count = 0
            for try await chunk in try await store.read(digest, range: nil) {
                chunk.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
                count += chunk.readableBytes
            }
            #expect(count == 20 << 20)
            #expect(BlobDigest(bytes: Array(hash.finalize())) == digest)
            // Across the boundary of the first two parts.
            let boundary = Int64(8 << 20)
            #expect(try await Self.read(store, digest, boundary - 10..<boundary + 10) == Array(bytes[(8 << 20) - 10..<(8 << 20) + 10]))

            // Again: the stored blob stays, the second upload is dropped.
            #expect(try await store.put(digest, size: Int64(bytes.count), from: Self.stream(bytes)) { _ in } == info)
            #expect(try await Self.everything(in: store) == [S3BlobStore.key(of: digest)])
            #expect(try await store.unfinishedUploads() == [])
        }
    }

    @Test func aWrongSecretKeyIsASignatureError() async throws {
        try await SeaweedProcess.withRunning { weed in
            let wrongSecret = "not-the-secret-\(UUID().uuidString)"
            let store = try weed.makeStore(secretKey: wrongSecret)
            let error = try await #require(throws: S3Error.self) { _ = try await store.list() }
            #expect(error.operation == "ListObjectsV2")
            #expect(error.status == 403)
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(!error.description.contains(wrongSecret))
            #expect(!error.description.contains(weed.secretKey))

            let bytes: [UInt8] = Array("a receipt".utf8)
            let refused = try await #require(throws: S3Error.self) {
                _ = try await store.put(Bodies.digest(of: bytes), size: Int64(bytes.count), from: Bodies.body(bytes)) { _ in }
            }
            #expect(refused.code == "SignatureDoesNotMatch")
            #expect(try await weed.makeStore().list() == [])
        }
    }

    @Test func configurationComesFromTheURLAndTheEnvironment() throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let environment = ["GREY_S3_ACCESS_KEY": "AKIAIOSFODNN7EXAMPLE", "GREY_S3_SECRET_KEY": secret]
        let configuration = try S3Configuration(
            url: "s3://grey-blobs?endpoint=http://127.0.0.1:8333&region=eu-west-1", environment: environment)
        #expect(configuration.bucket == "grey-blobs")
        #expect(configuration.endpoint == "http://127.0.0.1:8333")
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.credentials.accessKey == "AKIAIOSFODNN7EXAMPLE")
        #expect(configuration.description == "s3://grey-blobs?endpoint=http://127.0.0.1:8333&region=eu-west-1")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, String(reflecting: configuration), dumped, "\(configuration.credentials)"] {
            #expect(!text.contains(secret))
        }

        let aws = try S3Configuration(url: "s3://grey-blobs", environment: environment)
        #expect(aws.endpoint == "https://s3.us-east-1.amazonaws.com")
        #expect(aws.authority == "s3.us-east-1.amazonaws.com")

        for url in [
            "s3://grey-blobs?endpoint=http://127.0.0.1:8333&color=blue", "s3://Grey_Blobs", "s3://grey-blobs/prefix",
            "s3://grey-blobs?endpoint=ftp://host", "s3://grey-blobs?endpoint=http://host/path", "http://grey-blobs",
            "s3://grey-blobs?region=a&region=b",
        ] {
            #expect(throws: S3Error.self, "\(url)") { _ = try S3Configuration(url: url, environment: environment) }
        }
        let missing = try #require(throws: S3Error.self) { _ = try S3Configuration(url: "s3://grey-blobs", environment: [:]) }
        #expect(missing.description.contains("GREY_S3_ACCESS_KEY"))
    }

    @Test func xmlValuesAreReadFlatAndDecoded() {
        let page = """
            <ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b&#x2F;c&lt;</Key></Contents>\
            <Contents><Key>plain</Key></Contents><NextContinuationToken>t/k+n=</NextContinuationToken></ListBucketResult>
            """
        #expect(S3XML.values(of: "Key", in: page) == ["a&b/c<", "plain"])
        #expect(S3XML.value(of: "NextContinuationToken", in: page) == "t/k+n=")
        #expect(S3XML.value(of: "IsTruncated", in: page) == "true")
        #expect(S3XML.value(of: "Code", in: page) == nil)
        #expect(S3XML.values(of: "Key", in: "<Key>unclosed") == [])
        #expect(S3XML.decode("&bogus; & &#xD800;") == "&bogus; & &#xD800;")
    }

    // MARK: Bodies

    /// `count` bytes of a fixed pseudo-random pattern (no two parts alike).
    static func generated(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var word = state
            for _ in 0..<min(8, count - index) {
                bytes[index] = UInt8(truncatingIfNeeded: word >> 33)
                word = word &* 31 &+ 17
                index += 1
            }
        }
        return bytes
    }

    /// `bytes` handed out in chunks of 1,000,003 as they are asked for.
    static func stream(_ bytes: [UInt8]) -> AsyncStream<ByteBuffer> {
        let offset = Offset()
        return AsyncStream {
            let start = offset.advance(by: 1_000_003, within: bytes.count)
            return start < bytes.count ? ByteBuffer(bytes: bytes[start..<min(bytes.count, start + 1_000_003)]) : nil
        }
    }

    static func read(_ store: S3BlobStore, _ digest: BlobDigest, _ range: Range<Int64>?) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in try await store.read(digest, range: range) { bytes += Array(buffer: chunk) }
        return bytes
    }
}

/// AWS Signature Version 4 against AWS's published examples.
@Suite struct SigV4SignerTests {
    /// "Example: GET Object" of the S3 SigV4 header-based authentication documentation.
    @Test func signsTheDocumentedGetObjectExample() {
        let signer = SigV4Signer(
            credentials: S3Credentials(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1"
        )
        let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
        #expect(SigV4Signer.timestamp(date) == "20130524T000000Z")
        let headers = [
            (name: "Host", value: "examplebucket.s3.amazonaws.com"), (name: "Range", value: "bytes=0-9"),
            (name: "x-amz-content-sha256", value: SigV4Signer.emptyPayloadHash), (name: "x-amz-date", value: "20130524T000000Z"),
        ]
        let canonical = signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: [], headers: headers, payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(
            canonical.request == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        let authorization = signer.authorization(
            method: "GET", path: "/test.txt", query: [], headers: headers, payloadHash: SigV4Signer.emptyPayloadHash, date: date
        )
        #expect(
            authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// `get-vanilla-query-order-key-case` and `get-vanilla-query-unreserved` of AWS's SigV4
    /// test suite: the query sorted and encoded.
    @Test(arguments: [
        ([("Param2", "value2"), ("Param1", "value1")], "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ([(unreserved, unreserved)], "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
    ])
    func signsTheTestSuiteQueries(query: [(String, String)], signature: String) {
        let signer = SigV4Signer(
            credentials: S3Credentials(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service"
        )
        let authorization = signer.authorization(
            method: "GET", path: "/", query: query.map { (name: $0.0, value: $0.1) },
            headers: [(name: "Host", value: "example.amazonaws.com"), (name: "X-Amz-Date", value: "20150830T123600Z")],
            payloadHash: SigV4Signer.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_440_938_160)
        )
        #expect(authorization.hasSuffix("SignedHeaders=host;x-amz-date,Signature=\(signature)"))
    }

    static let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

    @Test func encodesAsSigV4Defines() {
        #expect(SigV4Signer.encode("a b/c+d=é~", keepingSlashes: false) == "a%20b%2Fc%2Bd%3D%C3%A9~")
        #expect(SigV4Signer.encode("/bucket/blobs/ab/cd", keepingSlashes: true) == "/bucket/blobs/ab/cd")
        #expect(SigV4Signer.canonicalQuery([(name: "uploads", value: "")]) == "uploads=")
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 951_825_599)) == "20000229T115959Z")
    }
}

/// The next chunk's start, for one stream's unfolding closure.
private final class Offset: @unchecked Sendable {
    // Safe: an AsyncStream calls its unfolding closure for one element at a time.
    private var value = 0
    func advance(by step: Int, within count: Int) -> Int {
        defer { value = min(count, value + step) }
        return value
    }
}

/// The unfinished uploads seen when a failing body fails.
private final class Midway: @unchecked Sendable {
    // Safe: set by one stream's unfolding closure, one element at a time; read after the put returned.
    var uploads: [String]?
}

private final class InspectedPrefix: @unchecked Sendable {
    // Safe: set once by the store's inspect call, read after the put returned.
    private(set) var bytes: [UInt8] = []
    func set(_ buffer: ByteBuffer) { bytes = Array(buffer: buffer) }
}
