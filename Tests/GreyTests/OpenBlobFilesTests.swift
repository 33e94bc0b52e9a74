import NIOCore
@testable import Server
import Storage
import Synchronization
import Testing

/// Blob files held open after a read: one open per blob while fresh, nothing remembered
/// for a store without plain files, and the bytes of small blobs held exactly.
@Suite struct OpenBlobFilesTests {
    @Test func aBlobIsOpenedOnceWhileHeld() async throws {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        let opened = try await FileRegionSenderTests.openBlob(bytes)
        let held = OpenBlobFiles(lifetime: .seconds(2))
        let digest = BlobDigest(bytes: [UInt8](repeating: 1, count: 32))!
        let opens = Mutex(0)
        for _ in 0..<3 {
            let file = try await held.file(digest) {
                opens.withLock { $0 += 1 }
                return opened
            }
            #expect(file === opened)
        }
        #expect(opens.withLock { $0 } == 1)
        #expect(held.cached(digest) === opened)
        try await Task.sleep(for: .milliseconds(2_100))
        #expect(held.cached(digest) == nil)
        // A store with no plain file (encrypted, remote) is asked again each time.
        let other = BlobDigest(bytes: [UInt8](repeating: 2, count: 32))!
        #expect(try await held.file(other) { nil } == nil)
        #expect(held.cached(other) == nil)
    }

    @Test func onlySmallBlobsAreHeldInMemoryAndExactly() async throws {
        let held = OpenBlobFiles()
        let small = (0..<Int(OpenBlobFiles.smallBlobLimit)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let smallFile = try await FileRegionSenderTests.openBlob(small)
        let bytes = try #require(held.smallBlob(BlobDigest(bytes: [UInt8](repeating: 3, count: 32))!, in: smallFile))
        #expect(Array(bytes.readableBytesView) == small)

        let large = try await FileRegionSenderTests.openBlob(small + [0])
        #expect(held.smallBlob(BlobDigest(bytes: [UInt8](repeating: 4, count: 32))!, in: large) == nil)
    }
}
