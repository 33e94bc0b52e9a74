import Synchronization

/// Values kept in memory so that hot paths skip a query: system account ids and wallet
/// currencies, which never change once they exist, and the posting queue's account states
/// (``AccountCache``), which are only a guess the database checks. Emptied when it would
/// grow past `capacity`.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let capacity: Int
    private let values = Mutex<[Key: Value]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    func lookUp(_ key: Key) -> Value? {
        values.withLock { $0[key] }
    }

    /// The values of all of `keys`, or nil if any is missing.
    func lookUp(all keys: Set<Key>) -> [Key: Value]? {
        values.withLock { known in
            var found: [Key: Value] = [:]
            found.reserveCapacity(keys.count)
            for key in keys {
                guard let value = known[key] else { return nil }
                found[key] = value
            }
            return found
        }
    }

    func remember(_ value: Value, for key: Key) {
        remember([key: value])
    }

    /// Keeps `new`, replacing what was known of the same keys.
    func remember(_ new: [Key: Value]) {
        values.withLock { known in
            if known.count + new.count > capacity { known.removeAll(keepingCapacity: true) }
            known.merge(new) { _, newer in newer }
        }
    }

    func forget(_ keys: Set<Key>) {
        values.withLock { known in
            for key in keys { known[key] = nil }
        }
    }
}
