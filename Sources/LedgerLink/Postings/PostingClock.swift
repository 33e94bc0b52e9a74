import Foundation
import Synchronization

/// The creation time of optimistically posted batches, in whole microseconds since 1970:
/// the wall clock, but never earlier than a time handed out or seen before, so that an
/// account's entries never go back in time when the wall clock does.
final class PostingClock: Sendable {
    private let latest = Mutex<Int64>(0)

    /// A time later than every time handed out or seen so far.
    func next() -> Int64 {
        let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        return latest.withLock { latest in
            latest = max(now, latest + 1)
            return latest
        }
    }

    /// Notes a time a batch was created at elsewhere (the locked path takes the database's).
    func saw(_ microseconds: Int64) {
        latest.withLock { $0 = max($0, microseconds) }
    }
}
