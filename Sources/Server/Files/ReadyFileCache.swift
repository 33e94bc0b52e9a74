import Foundation
import Ingest
import Synchronization

/// Ready files by tenant and id, kept in memory for the signed reads, so a hot file costs
/// no database round trip: a ready file's bytes, type, name and previews never change.
/// Entries live ``lifetime`` (a deleted file stops being served within it) and at most
/// ``capacity`` are kept; only ready files are cached.
final class ReadyFileCache: Sendable {
    private struct Key: Hashable {
        let tenantID: UUID
        let id: UUID
    }

    private struct Entry {
        let file: StoredFile
        let expires: ContinuousClock.Instant
    }

    let capacity: Int
    let lifetime: Duration
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int = 50_000, lifetime: Duration = .seconds(60)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The cached file, or what `load` finds (cached when it is ready).
    func file(tenantID: UUID, id: UUID, load: () async throws -> StoredFile?) async throws -> StoredFile? {
        let key = Key(tenantID: tenantID, id: id)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.file }
        guard let file = try await load() else { return nil }
        guard file.status == .ready else { return file }
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                // Still full of live entries: drop half of them (the dictionary's order is arbitrary).
                if entries.count >= capacity { entries = Dictionary(uniqueKeysWithValues: entries.dropFirst(entries.count / 2).map { ($0.key, $0.value) }) }
            }
            entries[key] = Entry(file: file, expires: now + lifetime)
        }
        return file
    }

    /// Forgets a file (deleted through this process; other processes forget it within
    /// ``lifetime``).
    func evict(tenantID: UUID, id: UUID) {
        _ = entries.withLock { $0.removeValue(forKey: Key(tenantID: tenantID, id: id)) }
    }
}
