import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import S3Storage
import Storage

/// Blobs encrypted at rest: the key ring's text, round trips at every segment boundary,
/// no plaintext in the stored bytes, tampering caught per segment, key rotation, and the
/// same on the S3 store over SeaweedFS.
@Suite struct EncryptedBlobStoreTests {
    typealias Bodies = FileSystemBlobStoreTests
    static let segment = EncryptedBlobFormat.segmentSize

    // MARK: Key rings

    /// A key entry `id:BASE64` of 32 bytes counting up from `seed`.
    static func entry(_ id: String, seed: UInt8, byteCount: Int = 32) -> String {
        id + ":" + Data((0..<byteCount).map { seed &+ UInt8($0) }).base64EncodedString()
    }

    @Test func keyRingsKeepTheirOrderAndShowNoKey() throws {
        let text = " \(Self.entry("2026-a", seed: 1)) , \(Self.entry("old_1", seed: 50))\n"
        let ring = try EncryptionKeyRing(parsing: text)
        #expect(ring.ids == ["2026-a", "old_1"])
        #expect(ring.activeKeyID == "2026-a")
        var dumped = ""
        dump(ring, to: &dumped)
        for shown in [ring.description, String(reflecting: ring), dumped] {
            #expect(shown.contains("2026-a"))
            for key in [Self.entry("", seed: 1).dropFirst(), Self.entry("", seed: 50).dropFirst()] { #expect(!shown.contains(key)) }
        }
    }

    @Test func keyRingsComeFromTheEnvironmentOrAFile() throws {
        #expect(try EncryptionKeyRing.fromEnvironment([:]) == nil)
        let text = "\(Self.entry("b", seed: 9)),\(Self.entry("a", seed: 3))"
        #expect(try EncryptionKeyRing.fromEnvironment(["GREY_ENCRYPTION_KEYS": text])?.ids == ["b", "a"])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("grey-keys-\(UUID().uuidString)").path
        try (text + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try EncryptionKeyRing.fromEnvironment(["GREY_ENCRYPTION_KEY_FILE": file])?.ids == ["b", "a"])
        #expect(throws: EncryptionKeyRingError.conflictingSources) {
            _ = try EncryptionKeyRing.fromEnvironment(["GREY_ENCRYPTION_KEYS": text, "GREY_ENCRYPTION_KEY_FILE": file])
        }
        #expect(throws: EncryptionKeyRingError.unreadableFile(path: file + ".missing")) {
            _ = try EncryptionKeyRing.fromEnvironment(["GREY_ENCRYPTION_KEY_FILE": file + ".missing"])
        }
        #expect(throws: EncryptionKeyRingError.empty) { _ = try EncryptionKeyRing.fromEnvironment(["GREY_ENCRYPTION_KEYS": ""]) }
    }

    @Test(arguments: [
        ("", EncryptionKeyRingError.empty),
        ("  \n", .empty),
        (entry("a", seed: 1).replacingOccurrences(of: "a:", with: ""), .malformedEntry(position: 1)),
        (entry("a", seed: 1) + ",", .malformedEntry(position: 2)),
        (entry("bad id", seed: 1), .invalidKeyID(position: 1)),
        (entry("a", seed: 1) + "," + entry("é", seed: 2), .invalidKeyID(position: 2)),
        (entry("", seed: 1), .invalidKeyID(position: 1)),
        (entry(String(repeating: "k", count: 33), seed: 1), .invalidKeyID(position: 1)),
        ("a:not*base64", .invalidBase64(id: "a")),
        (entry("a", seed: 1, byteCount: 16), .wrongKeyLength(id: "a", byteCount: 16)),
        (entry("a", seed: 1, byteCount: 33), .wrongKeyLength(id: "a", byteCount: 33)),
        (entry("a", seed: 1) + "," + entry("a", seed: 2), .duplicateKeyID("a")),
    ])
    func malformedKeyRingsAreRefused(text: String, expected: EncryptionKeyRingError) {
        let error = #expect(throws: EncryptionKeyRingError.self) { _ = try EncryptionKeyRing(parsing: text) }
        #expect(error == expected)
        // A key pasted in the wrong place never shows in the message.
        let key = Self.entry("", seed: 1).dropFirst()
        #expect(error.map { !$0.description.contains(key) } == true)
    }

    @Test func storedSizesGiveBackThePlaintextSize() {
        for size in [0, 1, 15, 16, Self.segment - 1, Self.segment, Self.segment + 1, 5 * Self.segment + 17] {
            let stored = EncryptedBlobFormat.storedSize(plaintextSize: Int64(size))
            #expect(EncryptedBlobFormat.plaintextSize(storedSize: stored) == Int64(size))
        }
        let header = Int64(EncryptedBlobFormat.headerLength)
        for impossible in [0, header, header + 15, header + Int64(Self.segment) + 16 + 15] {
            #expect(EncryptedBlobFormat.plaintextSize(storedSize: impossible) == nil)
        }
    }

    // MARK: The filesystem store

    static let ringA = try! EncryptionKeyRing(parsing: entry("A", seed: 1))

    /// Runs `body` with an encrypted store in a new directory, removed afterwards.
    static func withStore<Result>(
        _ ring: EncryptionKeyRing = ringA, _ body: (FileSystemBlobStore) async throws -> Result
    ) async throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("grey-encrypted-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try await body(try FileSystemBlobStore(root: root, encryption: ring))
    }

    /// `count` bytes of a pseudo-random pattern (no two segments alike).
    static func generated(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static func put(_ bytes: [UInt8], into store: some BlobStore) async throws -> BlobDigest {
        let digest = Bodies.digest(of: bytes)
        let info = try await store.put(digest, size: Int64(bytes.count), from: Bodies.body(bytes, chunkSize: 10_007)) { _ in }
        #expect(info.size == Int64(bytes.count))
        return digest
    }

    /// What a read hands out before it ends, and the error it ends with, if any.
    static func read(_ store: some BlobStore, _ digest: BlobDigest, _ range: Range<Int>?) async -> (bytes: [UInt8], error: (any Error)?) {
        var bytes: [UInt8] = []
        do {
            for try await chunk in try await store.read(digest, range: range.map { Int64($0.lowerBound)..<Int64($0.upperBound) }) {
                bytes += Array(buffer: chunk)
            }
            return (bytes, nil)
        } catch {
            return (bytes, error)
        }
    }

    /// Every range between two points at or next to a segment boundary (and the ends).
    static func rangesAcrossBoundaries(of size: Int) -> [Range<Int>] {
        let boundaries = stride(from: 0, through: size, by: segment).map { $0 } + [size]
        let points = Set(boundaries.flatMap { [$0 - 1, $0, $0 + 1] }.filter { (0...size).contains($0) }).sorted()
        return points.flatMap { lower in points.filter { $0 >= lower }.map { lower..<$0 } }
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 5])
    func roundTripsAcrossEverySegmentBoundary(size: Int) async throws {
        try await Self.withStore { store in
            let bytes = Self.generated(count: size)
            let digest = try await Self.put(bytes, into: store)
            #expect(try await store.head(digest) == BlobInfo(digest: digest, size: Int64(size)))
            let stored = try #require(FileManager.default.attributesOfItem(atPath: store.path(of: digest))[.size] as? Int)
            #expect(Int64(stored) == EncryptedBlobFormat.storedSize(plaintextSize: Int64(size)))
            #expect(store.localPath(of: digest) == nil)
            #expect(try await store.list() == [digest])

            let whole = await Self.read(store, digest, nil)
            #expect(whole.error == nil)
            #expect(whole.bytes == bytes)
            for range in Self.rangesAcrossBoundaries(of: size) {
                let read = await Self.read(store, digest, range)
                #expect(read.error == nil, "\(range)")
                #expect(read.bytes == Array(bytes[range]), "\(range)")
            }
            await #expect(throws: BlobStoreError.rangeOutOfBounds(Int64(size)..<Int64(size + 1), size: Int64(size))) {
                _ = try await store.read(digest, range: Int64(size)..<Int64(size + 1))
            }
            try await store.delete(digest)
            #expect(try await store.head(digest) == nil)
            await #expect(throws: BlobStoreError.notFound(digest)) { _ = try await store.read(digest, range: nil) }
        }
    }

    /// Large chunks pass the store's gathering by; sealed, they read back the same.
    @Test func chunksOfEverySizeRoundTrip() async throws {
        try await Self.withStore { store in
            let bytes = Self.generated(count: 5_500_000)
            let digest = Bodies.digest(of: bytes)
            _ = try await store.put(digest, size: Int64(bytes.count), from: Bodies.body(bytes, chunkSizes: Bodies.mixedChunkSizes)) { _ in }
            let whole = await Self.read(store, digest, nil)
            #expect(whole.error == nil)
            #expect(whole.bytes == bytes)
        }
    }

    @Test func storedBytesShowNoPlaintext() async throws {
        let line = Array("confidential receipt: 4111 1111 1111 1111, 42.00 EUR\n".utf8)
        let bytes = Array((0..<4_000).map { _ in line }.joined())
        let files = try await Self.withStore { first in
            try await Self.withStore { second in
                let digest = try await Self.put(bytes, into: first)
                #expect(try await Self.put(bytes, into: second) == digest)
                return [first, second].map { FileManager.default.contents(atPath: $0.path(of: digest)).map { Array($0) } ?? [] }
            }
        }
        for stored in files {
            #expect(stored.count == Int(EncryptedBlobFormat.storedSize(plaintextSize: Int64(bytes.count))))
            #expect(!Self.contains(stored, Array("confidential".utf8)))
            #expect(!Self.contains(stored, Array("4111".utf8)))
        }
        // Each blob has its own data key: equal plaintexts, different stored bytes.
        #expect(files[0].dropFirst(EncryptedBlobFormat.headerLength) != files[1].dropFirst(EncryptedBlobFormat.headerLength))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool { haystack.firstRange(of: needle) != nil }

    /// Changes one byte of a stored file, in place.
    static func flipByte(at offset: Int, of path: String) throws {
        var data = try #require(FileManager.default.contents(atPath: path))
        data[offset] ^= 0x20
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The stored offset of segment `index`.
    static func storedOffset(ofSegment index: Int) -> Int { EncryptedBlobFormat.headerLength + index * (segment + 16) }

    @Test(arguments: [100, segment + 15])  // in the ciphertext, in the tag
    func aChangedSegmentFailsOnlyTheReadsThatTouchIt(offsetInSegment: Int) async throws {
        try await Self.withStore { store in
            let bytes = Self.generated(count: 3 * Self.segment + 5)
            let digest = try await Self.put(bytes, into: store)
            try Self.flipByte(at: Self.storedOffset(ofSegment: 2) + offsetInSegment, of: store.path(of: digest))

            let s = Self.segment
            let touching: [Range<Int>?] = [
                2 * s..<2 * s + 1, 2 * s + 100..<2 * s + 101, s..<3 * s, 0..<bytes.count, 3 * s - 1..<3 * s + 5, nil,
            ]
            for range in touching {
                let read = await Self.read(store, digest, range)
                #expect(read.error as? BlobStoreError == .integrity(digest), "\(String(describing: range))")
                // What came out before the failure is the blob's own bytes.
                let rest = bytes[(range?.lowerBound ?? 0)...]
                #expect(rest.starts(with: read.bytes))
                #expect(read.bytes.count <= 2 * s)
            }
            for range in [0..<1, 0..<s, 17..<4_000, s - 1..<s + 1, s..<2 * s, 3 * s..<3 * s + 5] {
                let read = await Self.read(store, digest, range)
                #expect(read.error == nil, "\(range)")
                #expect(read.bytes == Array(bytes[range]), "\(range)")
            }
            let error = BlobStoreError.integrity(digest)
            #expect(error.description == "blob \(digest.hex) failed its integrity check")
        }
    }

    @Test func anyChangedHeaderByteFailsTheRead() async throws {
        try await Self.withStore { store in
            let bytes = Self.generated(count: Self.segment + 10)
            let digest = try await Self.put(bytes, into: store)
            let path = store.path(of: digest)
            for offset in 0..<EncryptedBlobFormat.headerLength {
                try Self.flipByte(at: offset, of: path)
                let read = await Self.read(store, digest, 0..<10)
                #expect(read.bytes == [], "header byte \(offset)")
                switch read.error as? BlobStoreError {
                case .integrity(digest): break
                // A key id changed into another well-formed id.
                case .unknownEncryptionKey: #expect((9..<41).contains(offset), "header byte \(offset)")
                default: Issue.record("header byte \(offset): \(String(describing: read.error))")
                }
                try Self.flipByte(at: offset, of: path)
            }
            #expect(await Self.read(store, digest, nil).bytes == bytes)
        }
    }

    @Test func swappedCutOrForeignSegmentsFail() async throws {
        try await Self.withStore { store in
            let s = Self.segment
            let bytes = Self.generated(count: 2 * s + 5)
            let digest = try await Self.put(bytes, into: store)
            let path = store.path(of: digest)
            let original = try #require(FileManager.default.contents(atPath: path))
            func expectFailure(_ stored: Data, _ range: Range<Int>?, _ comment: Comment) async throws {
                try stored.write(to: URL(fileURLWithPath: path))
                let read = await Self.read(store, digest, range)
                #expect(read.error as? BlobStoreError == .integrity(digest), comment)
                #expect(read.bytes.isEmpty, comment)
            }

            let first = Self.storedOffset(ofSegment: 0), second = Self.storedOffset(ofSegment: 1), third = Self.storedOffset(ofSegment: 2)
            var swapped = original
            swapped.replaceSubrange(first..<third, with: original[second..<third] + original[first..<second])
            try await expectFailure(swapped, 0..<10, "segments swapped")
            try await expectFailure(original.prefix(third), nil, "last segment cut off")
            try await expectFailure(original.prefix(original.count - 1), 2 * s..<2 * s + 4, "last byte cut off")
            try await expectFailure(original + [0], 2 * s..<2 * s + 4, "a byte appended")

            // The segment of another blob, at the same place, under the same key ring.
            let other = try await Self.put(Array(Self.generated(count: 2 * s + 6).reversed()), into: store)
            let foreign = try #require(FileManager.default.contents(atPath: store.path(of: other)))
            var mixed = original
            mixed.replaceSubrange(second..<third, with: foreign[second..<third])
            try await expectFailure(mixed, s..<s + 1, "a segment of another blob")
        }
    }

    @Test func rotatedRingsReadOldBlobsAndWriteUnderTheNewKey() async throws {
        let keyA = Self.entry("A", seed: 1), keyB = Self.entry("B", seed: 77)
        try await Self.withStore(try EncryptionKeyRing(parsing: keyA)) { storeA in
            let old = Self.generated(count: 70_000)
            let digest = try await Self.put(old, into: storeA)

            let rotated = try FileSystemBlobStore(root: storeA.root, encryption: try EncryptionKeyRing(parsing: "\(keyB),\(keyA)"))
            #expect(await Self.read(rotated, digest, nil).bytes == old)
            #expect(await Self.read(rotated, digest, 65_000..<66_000).bytes == Array(old[65_000..<66_000]))
            let new = try await Self.put(Array(old.reversed()), into: rotated)

            let onlyB = try FileSystemBlobStore(root: storeA.root, encryption: try EncryptionKeyRing(parsing: keyB))
            let refused = await Self.read(onlyB, digest, nil)
            #expect(refused.error as? BlobStoreError == .unknownEncryptionKey(id: "A"))
            #expect(refused.bytes == [])
            #expect("\(refused.error!)".contains("\"A\""))
            #expect(await Self.read(onlyB, new, nil).bytes == Array(old.reversed()))
            // The new blob is under B only: the old ring cannot read it.
            #expect(await Self.read(storeA, new, 0..<1).error as? BlobStoreError == .unknownEncryptionKey(id: "B"))
        }
    }

    @Test func refusedBodiesLeaveNothing() async throws {
        try await Self.withStore { store in
            let bytes = Self.generated(count: 250_000)
            let digest = Bodies.digest(of: bytes)
            let size = Int64(bytes.count)
            await Bodies.expectWrongBodiesRefused(by: store, bytes)
            // `inspect` sees the plaintext; refusing it keeps nothing.
            let inspected = SeenPrefix()
            await #expect(throws: Bodies.Refused.self) {
                _ = try await store.put(digest, size: size, from: Bodies.body(bytes)) { head in
                    inspected.set(head)
                    throw Bodies.Refused()
                }
            }
            #expect(inspected.bytes == bytes)
            #expect(Bodies.files(in: store) == [])
            let listed = try await store.list()
            #expect(listed == [])
        }
    }
}

extension EncryptedBlobStoreTests {
    /// The S3 store over SeaweedFS, with the same format: the stored objects are read raw
    /// through a store without encryption, and changed through the store's client.
    @Suite(.serialized) struct OverS3 {
        typealias Tests = EncryptedBlobStoreTests

        @Test func roundTripsOnePutAndMultipartBlobs() async throws {
            try await SeaweedProcess.withRunning { weed in
                let store = S3BlobStore(configuration: try weed.makeStore().configuration, encryption: Tests.ringA)
                let raw = try weed.makeStore()
                let s = Tests.segment
                // One PUT, then a multipart upload of two parts (8 MiB and the rest).
                for size in [3 * s + 5, (9 << 20) + 5] {
                    let bytes = Tests.generated(count: size)
                    let inspected = SeenPrefix()
                    let digest = Bodies.digest(of: bytes)
                    let info = try await store.put(digest, size: Int64(size), from: Bodies.body(bytes)) { head in inspected.set(head) }
                    #expect(info == BlobInfo(digest: digest, size: Int64(size)))
                    #expect(inspected.bytes == Array(bytes.prefix(BlobStoreLimits.inspectedPrefix)))
                    #expect(try await store.head(digest) == info)
                    #expect(try await raw.head(digest)?.size == EncryptedBlobFormat.storedSize(plaintextSize: Int64(size)))
                    let stored = await Tests.read(raw, digest, nil).bytes
                    #expect(!Tests.contains(stored, Array(bytes[s..<s + 64])))

                    #expect(await Tests.read(store, digest, nil).bytes == bytes)
                    let ranges = [0..<0, 0..<1, s - 1..<s + 1, s..<2 * s, 3 * s..<3 * s + 5, 2 * s + 3..<size, size..<size]
                    for range in ranges + [8 << 20..<(8 << 20) + 1] {
                        guard range.upperBound <= size else { continue }
                        let read = await Tests.read(store, digest, range)
                        #expect(read.error == nil, "\(range)")
                        #expect(read.bytes == Array(bytes[range]), "\(range)")
                    }
                    await #expect(throws: BlobStoreError.rangeOutOfBounds(Int64(size)..<Int64(size + 1), size: Int64(size))) {
                        _ = try await store.read(digest, range: Int64(size)..<Int64(size + 1))
                    }
                }
                #expect(try await store.unfinishedUploads() == [])
                #expect(try await store.list().count == 2)
            }
        }

        @Test func aChangedObjectFailsTheReadsThatTouchTheChange() async throws {
            try await SeaweedProcess.withRunning { weed in
                let store = S3BlobStore(configuration: try weed.makeStore().configuration, encryption: Tests.ringA)
                let raw = try weed.makeStore()
                let s = Tests.segment
                let bytes = Tests.generated(count: 3 * s + 5)
                let digest = try await Tests.put(bytes, into: store)
                let original = await Tests.read(raw, digest, nil).bytes

                func overwrite(flipping offset: Int) async throws {
                    var changed = original
                    changed[offset] ^= 0x20
                    let response = try await store.client.send(.PUT, key: S3BlobStore.key(of: digest), body: ByteBuffer(bytes: changed))
                    try await store.client.expect(response, [200], operation: "PutObject")
                }

                try await overwrite(flipping: Tests.storedOffset(ofSegment: 2) + 10)
                for range in [2 * s..<2 * s + 1, s..<3 * s] as [Range<Int>?] + [nil] {
                    let read = await Tests.read(store, digest, range)
                    #expect(read.error as? BlobStoreError == .integrity(digest), "\(String(describing: range))")
                    let rest = bytes[(range?.lowerBound ?? 0)...]
                    #expect(rest.starts(with: read.bytes))
                }
                #expect(await Tests.read(store, digest, 0..<s).bytes == Array(bytes[0..<s]))
                #expect(await Tests.read(store, digest, 3 * s..<3 * s + 5).bytes == Array(bytes[3 * s..<3 * s + 5]))

                try await overwrite(flipping: EncryptedBlobFormat.headerLength - 1)
                for range in [0..<1, 3 * s..<3 * s + 5] as [Range<Int>?] + [nil] {
                    let read = await Tests.read(store, digest, range)
                    #expect(read.error as? BlobStoreError == .integrity(digest), "\(String(describing: range))")
                    #expect(read.bytes == [])
                }
            }
        }
    }
}

/// The bytes a store handed to `inspect`.
private final class SeenPrefix: @unchecked Sendable {
    // Safe: set by the store's inspect call, read after the put returned.
    private(set) var bytes: [UInt8] = []
    func set(_ buffer: ByteBuffer) { bytes = Array(buffer: buffer) }
}
