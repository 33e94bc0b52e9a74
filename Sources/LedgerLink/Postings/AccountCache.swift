import Synchronization

/// The accounts' latest states as this process last committed or read them, so that a batch
/// whose accounts are all known can be planned without reading them (see
/// ``BatchPoster/postOptimistically(_:cached:createdAt:on:)``).
///
/// Only ever a guess: another process may have posted since, or frozen a wallet. The
/// database refuses a write planned from a stale state (the balance chain, the sequence's
/// uniqueness, the frozen-wallet check), and the batch then runs the locked path, which
/// reads afresh. Emptied when it reaches `capacity`.
final class AccountCache: Sendable {
    private let capacity: Int
    private let states = Mutex<[AccountKey: AccountState]>([:])

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The states of all of `accounts`, or nil if any is unknown.
    func states(of accounts: Set<AccountKey>) -> [AccountKey: AccountState]? {
        states.withLock { known in
            var found: [AccountKey: AccountState] = [:]
            found.reserveCapacity(accounts.count)
            for account in accounts {
                guard let state = known[account] else { return nil }
                found[account] = state
            }
            return found
        }
    }

    /// Keeps `committed` as the accounts' latest states.
    func remember(_ committed: [AccountKey: AccountState]) {
        states.withLock { known in
            if known.count + committed.count > capacity { known.removeAll(keepingCapacity: true) }
            known.merge(committed) { _, new in new }
        }
    }

    /// Drops what is known of `accounts`: the database refused a plan made from it.
    func forget(_ accounts: Set<AccountKey>) {
        states.withLock { known in
            for account in accounts { known[account] = nil }
        }
    }
}
