public import Foundation
import Synchronization

/// Keys already checked against the database, so that an authenticated request costs no
/// database round trip.
///
/// The cache answers only while ``APIKeyRevocationListener`` is listening for changes to
/// `api_keys` (a trigger notifies every revocation, whoever makes it): a revoked key is
/// forgotten the moment the notification arrives, and if the listener loses its
/// connection the cache empties and stays off until it is back. Entries also expire after
/// ``timeToLive`` as a second line. The stored digest is still compared in constant time
/// with the presented secret's on every request.
public final class APIKeyCache: Sendable {
    /// How long a checked key is trusted without asking the database again.
    public static let timeToLive: Duration = .seconds(60)
    /// The most keys kept; beyond it the cache starts again from empty.
    public static let capacity = 10_000

    struct Entry {
        let digest: [UInt8]
        let key: APIKey
        let storedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        var isListening = false
        /// Bumped by every eviction: a database read that began before one may be stale.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The live entry for `keyID`, if the cache is on and holds a fresh one.
    func entry(for keyID: UUID) -> Entry? {
        state.withLock { state in
            guard state.isListening, let entry = state.entries[keyID] else { return nil }
            guard entry.storedAt.duration(to: .now) < Self.timeToLive else {
                state.entries[keyID] = nil
                return nil
            }
            return entry
        }
    }

    /// The generation to hand to ``store(_:digest:ifGeneration:)`` after a database read.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps `key`, unless something was evicted since `generation` was read (the read
    /// may predate a revocation) or the cache is off.
    func store(_ key: APIKey, digest: [UInt8], ifGeneration generation: UInt64) {
        state.withLock { state in
            guard state.isListening, state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key.id] = Entry(digest: digest, key: key, storedAt: .now)
        }
    }

    /// Forgets `keyID` (revoked or changed).
    public func evict(_ keyID: UUID) {
        state.withLock { state in
            state.entries[keyID] = nil
            state.generation &+= 1
        }
    }

    /// Turns the cache on (the listener is subscribed) or off (it is not), emptying it
    /// either way.
    func setListening(_ isListening: Bool) {
        state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
            state.isListening = isListening
        }
    }

    /// How many keys are held; for tests and metrics.
    public var count: Int { state.withLock { $0.entries.count } }
}
