import Crypto
import Foundation
import NIOCore
import Storage
import Testing

/// The filesystem blob store on a real directory: a blob appears whole or not at all.
@Suite struct FileSystemBlobStoreTests {
    struct Refused: Error {}

    static func digest(of bytes: [UInt8]) -> BlobDigest { BlobDigest(bytes: Array(SHA256.hash(data: bytes)))! }

    /// `bytes` as a body of chunks of `chunkSize`.
    static func body(_ bytes: [UInt8], chunkSize: Int = 100_000) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunkSize)
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
    }

    /// `bytes` as a body of chunks of these sizes, in turn, the last one taking the rest.
    static func body(_ bytes: [UInt8], chunkSizes: [Int]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            for (index, size) in chunkSizes.enumerated() where offset < bytes.count {
                let end = index == chunkSizes.count - 1 ? bytes.count : min(bytes.count, offset + size)
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
    }

    /// Chunk sizes as a socket hands them out: small ones the store gathers into blocks,
    /// large ones it passes on as they are, in every order.
    static let mixedChunkSizes = [1, 300_000, 5, 4095, 1 << 20, 700_000, 262_144, 262_143, 100_000, 2_000_000, 17, 0]

    /// Every store refuses a body longer or shorter than declared, or hashing to another
    /// digest, with the error that says which.
    static func expectWrongBodiesRefused(by store: some BlobStore, _ bytes: [UInt8]) async {
        let digest = digest(of: bytes)
        let size = Int64(bytes.count)
        await #expect(throws: BlobStoreError.tooLong(declared: size - 1)) {
            _ = try await store.put(digest, size: size - 1, from: body(bytes)) { _ in }
        }
        await #expect(throws: BlobStoreError.tooShort(declared: size + 1, received: size)) {
            _ = try await store.put(digest, size: size + 1, from: body(bytes)) { _ in }
        }
        let other = Self.digest(of: [1, 2, 3])
        await #expect(throws: BlobStoreError.digestMismatch(declared: other, actual: digest)) {
            _ = try await store.put(other, size: size, from: body(bytes)) { _ in }
        }
    }

    static func makeStore() async throws -> FileSystemBlobStore {
        try FileSystemBlobStore(root: try await TestDatabase.makeScratchDirectory("blobs"))
    }

    /// Files left anywhere under the store (staging included).
    static func files(in store: FileSystemBlobStore) -> [String] {
        (FileManager.default.enumerator(atPath: store.root)?.allObjects as? [String] ?? [])
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: store.root + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
    }

    @Test func storesReadsRangesListsAndDeletes() async throws {
        let store = try await Self.makeStore()
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let digest = Self.digest(of: bytes)
        let inspected = InspectedLength()
        let info = try await store.put(digest, size: Int64(bytes.count), from: Self.body(bytes)) { head in inspected.set(head.readableBytes) }
        #expect(info == BlobInfo(digest: digest, size: 3_000_000))
        #expect(inspected.value == BlobStoreLimits.inspectedPrefix)
        #expect(try await store.head(digest) == info)
        #expect(Self.files(in: store) == ["blobs/\(digest.hex.prefix(2))/\(digest.hex.dropFirst(2).prefix(2))/\(digest.hex)"])

        var read: [UInt8] = []
        for try await chunk in try await store.read(digest, range: 1_000_000..<2_500_001) { read += Array(buffer: chunk) }
        #expect(read == Array(bytes[1_000_000..<2_500_001]))
        await #expect(throws: BlobStoreError.rangeOutOfBounds(0..<3_000_001, size: 3_000_000)) {
            _ = try await store.read(digest, range: 0..<3_000_001)
        }

        // The same bytes again: stored once.
        _ = try await store.put(digest, size: Int64(bytes.count), from: Self.body(bytes, chunkSize: 65_536)) { _ in }
        #expect(try await store.list() == [digest])
        try await store.delete(digest)
        #expect(try await store.head(digest) == nil)
        #expect(try await store.list() == [])
        await #expect(throws: BlobStoreError.notFound(digest)) { _ = try await store.read(digest, range: nil) }
    }

    @Test func chunksOfEverySizeAreStoredInOrder() async throws {
        let store = try await Self.makeStore()
        let bytes = (0..<5_500_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11) }
        let digest = Self.digest(of: bytes)
        let info = try await store.put(digest, size: Int64(bytes.count), from: Self.body(bytes, chunkSizes: Self.mixedChunkSizes)) { _ in }
        #expect(info == BlobInfo(digest: digest, size: Int64(bytes.count)))
        let path = try #require(store.localPath(of: digest))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }

    @Test func refusedBodiesLeaveNothing() async throws {
        let store = try await Self.makeStore()
        let bytes = [UInt8](repeating: 42, count: 250_000)
        let digest = Self.digest(of: bytes)
        let size = Int64(bytes.count)
        await Self.expectWrongBodiesRefused(by: store, bytes)
        await #expect(throws: Refused.self) {
            _ = try await store.put(digest, size: size, from: Self.body(bytes)) { _ in throw Refused() }
        }
        // A body that fails mid-way (a client gone).
        let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(bytes: bytes[0..<1000]))
            continuation.finish(throwing: Refused())
        }
        await #expect(throws: Refused.self) { _ = try await store.put(digest, size: size, from: failing) { _ in } }
        #expect(Self.files(in: store) == [])

        // An empty blob is a blob.
        let empty = Self.digest(of: [])
        let stored = try await store.put(empty, size: 0, from: Self.body([])) { _ in }
        #expect(stored.size == 0)
    }

    @Test func digestsParseOnlyTheirOneSpelling() {
        let hex = String(repeating: "ab", count: 32)
        #expect(BlobDigest(hex: hex)?.hex == hex)
        #expect(BlobDigest(hex: hex.uppercased()) == nil)
        #expect(BlobDigest(hex: String(hex.dropLast())) == nil)
        #expect(BlobDigest(hex: String(hex.dropLast()) + "g") == nil)
    }
}

private final class InspectedLength: @unchecked Sendable {
    // Safe: set once by the store's inspect call, read after the put returned.
    private(set) var value = 0
    func set(_ value: Int) { self.value = value }
}
