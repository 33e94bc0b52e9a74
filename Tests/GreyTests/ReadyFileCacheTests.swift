import Foundation
@testable import Ingest
@testable import Server
import Storage
import Synchronization
import Testing

/// The signed reads' cache of ready files: one load per file while fresh, never a file
/// that is not ready, gone after its lifetime, bounded in size.
@Suite struct ReadyFileCacheTests {
    static func file(_ status: StoredFile.Status, id: UUID = UUID()) -> StoredFile {
        StoredFile(
            id: id, tenantID: UUID(), filename: "a.jpg", declaredType: "image/jpeg", detectedType: "image/jpeg", size: 1,
            sha256: BlobDigest(bytes: [UInt8](repeating: 7, count: 32))!, status: status, rejection: nil, uploadExpiresAt: Date(),
            createdAt: Date(), media: nil, previews: [], transactionIDs: []
        )
    }

    @Test func aReadyFileIsLoadedOnceWhileFresh() async throws {
        let cache = ReadyFileCache(capacity: 10, lifetime: .seconds(2))
        let loads = Mutex(0)
        let ready = Self.file(.ready)
        for _ in 0..<5 {
            let found = try await cache.file(tenantID: ready.tenantID, id: ready.id) {
                loads.withLock { $0 += 1 }
                return ready
            }
            #expect(found == ready)
        }
        #expect(loads.withLock { $0 } == 1)
        #expect(cache.contains(tenantID: ready.tenantID, id: ready.id))
        try await Task.sleep(for: .milliseconds(2_100))
        #expect(!cache.contains(tenantID: ready.tenantID, id: ready.id))
        _ = try await cache.file(tenantID: ready.tenantID, id: ready.id) {
            loads.withLock { $0 += 1 }
            return ready
        }
        #expect(loads.withLock { $0 } == 2)
        // Another tenant's id is another entry.
        #expect(try await cache.file(tenantID: UUID(), id: ready.id) { nil } == nil)
    }

    @Test func filesNotReadyAreNeverCached() async throws {
        let cache = ReadyFileCache()
        let processing = Self.file(.processing)
        let loads = Mutex(0)
        for _ in 0..<3 {
            _ = try await cache.file(tenantID: processing.tenantID, id: processing.id) {
                loads.withLock { $0 += 1 }
                return processing
            }
        }
        #expect(loads.withLock { $0 } == 3)
    }

    @Test func theCacheStaysWithinItsCapacity() async throws {
        let cache = ReadyFileCache(capacity: 8, lifetime: .seconds(60))
        var files: [StoredFile] = []
        for _ in 0..<50 {
            let file = Self.file(.ready)
            files.append(file)
            _ = try await cache.file(tenantID: file.tenantID, id: file.id) { file }
        }
        let loads = Mutex(0)
        for file in files {
            _ = try await cache.file(tenantID: file.tenantID, id: file.id) {
                loads.withLock { $0 += 1 }
                return file
            }
        }
        // At most 8 were still cached, so at least 42 of 50 had to be loaded again.
        #expect(loads.withLock { $0 } >= 42)
    }
}
