import Foundation
import Ingest

/// Ready files by tenant and id, kept in memory for the signed reads, so a hot file costs
/// no database round trip: a ready file's bytes, type, name and previews never change.
/// Entries live a minute by default (a deleted file stops being served within it) and
/// at most `capacity` are kept; only ready files are cached.
final class ReadyFileCache: Sendable {
    private struct Key: Hashable, Sendable {
        let tenantID: UUID
        let id: UUID
    }

    private let files: ExpiringCache<Key, StoredFile>

    init(capacity: Int = 50_000, lifetime: Duration = .seconds(60)) {
        files = ExpiringCache(capacity: capacity, lifetime: lifetime)
    }

    /// The cached file, or what `load` finds (cached when it is ready).
    func file(tenantID: UUID, id: UUID, load: () async throws -> StoredFile?) async throws -> StoredFile? {
        if let file = cached(tenantID: tenantID, id: id) { return file }
        guard let file = try await load() else { return nil }
        if file.status == .ready { files.insert(file, for: Key(tenantID: tenantID, id: id)) }
        return file
    }

    /// The cached file if there is a fresh one; never waits.
    func cached(tenantID: UUID, id: UUID) -> StoredFile? {
        files.value(for: Key(tenantID: tenantID, id: id))
    }

    /// Whether a fresh copy of the file is cached; never waits.
    func contains(tenantID: UUID, id: UUID, now: ContinuousClock.Instant = .now) -> Bool {
        files.contains(Key(tenantID: tenantID, id: id), now: now)
    }

    /// Forgets a file (deleted through this process; other processes forget it within
    /// the lifetime).
    func evict(tenantID: UUID, id: UUID) {
        files.remove(Key(tenantID: tenantID, id: id))
    }
}
