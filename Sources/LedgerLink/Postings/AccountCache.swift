/// The accounts' latest states as this process last committed or read them, so that a batch
/// whose accounts are all known can be planned without reading them (see
/// ``BatchPoster/postOptimistically(_:cached:createdAt:on:)``).
///
/// Only ever a guess: another process may have posted since, or frozen a wallet. The
/// database refuses a write planned from a stale state (the balance chain, the sequence's
/// uniqueness, the frozen-wallet check), and the batch then runs the locked path, which
/// reads afresh.
typealias AccountCache = BoundedCache<AccountKey, AccountState>
