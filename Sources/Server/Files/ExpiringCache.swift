import Synchronization

/// Values by key, each kept for ``lifetime`` and at most ``capacity`` of them; safe from
/// any thread, and never waits for anything but its lock. The memory behind the
/// signed reads' caches (``ReadyFileCache``, ``OpenBlobFiles``).
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    /// A key with its hash computed before the lock is taken: the lock is then held only
    /// for the table's probe, which matters when every read of a hot file asks for the
    /// same key from every thread (a signed URL's text is a few hundred bytes to hash).
    private struct Slot: Hashable, Sendable {
        let key: Key
        let hash: Int

        init(_ key: Key) {
            self.key = key
            self.hash = key.hashValue
        }

        static func == (a: Slot, b: Slot) -> Bool { a.hash == b.hash && a.key == b.key }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    let capacity: Int
    let lifetime: Duration
    private let entries = Mutex<[Slot: Entry]>([:])

    init(capacity: Int, lifetime: Duration) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The value under `key` while it is fresh; an expired one is dropped.
    func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        let key = Slot(key)
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expires > now else {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    /// Whether a fresh value is held under `key`, without copying it out; an expired one is
    /// dropped.
    func contains(_ key: Key, now: ContinuousClock.Instant = .now) -> Bool {
        let key = Slot(key)
        return entries.withLock { entries in
            guard let expires = entries[key]?.expires else { return false }
            if expires > now { return true }
            entries[key] = nil
            return false
        }
    }

    /// Keeps `value` under `key` for ``lifetime`` from `now`.
    func insert(_ value: Value, for key: Key, now: ContinuousClock.Instant = .now) {
        let key = Slot(key)
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                // Still full of fresh entries: let half of them go (dictionary order is arbitrary).
                if entries.count >= capacity {
                    entries = Dictionary(uniqueKeysWithValues: entries.dropFirst(entries.count / 2).map { ($0.key, $0.value) })
                }
            }
            entries[key] = Entry(value: value, expires: now + lifetime)
        }
    }

    func remove(_ key: Key) {
        let key = Slot(key)
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// How many entries are held, expired ones not yet dropped included.
    var count: Int { entries.withLock { $0.count } }
}
