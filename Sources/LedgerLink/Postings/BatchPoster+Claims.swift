import Database
import Foundation
import PostgresNIO

/// How a job of the batch goes on once the keys are claimed.
enum KeyClaim {
    /// No Idempotency-Key: the request runs.
    case unkeyed
    /// The key is new: the request runs and its response is stored under it.
    case claimed
    /// The key was committed before with the same request: its response is replayed.
    case replay(StoredResponse)
    /// The key cannot serve this request (another request's key).
    case refused(any Error)
    /// An earlier job of this batch (at this index) has the same key.
    case follows(Int)

    var runs: Bool {
        switch self {
        case .unkeyed, .claimed: true
        case .replay, .refused, .follows: false
        }
    }
}

extension BatchPoster {
    /// Decides how each job goes on, given the keys of the batch already committed
    /// (``BatchSnapshot/storedKeys``): a committed key is replayed (or refused for another
    /// request); a new key is claimed, and its response is written with the batch.
    func claimKeys(of jobs: [PostingJob], stored: [ClaimKey: (fingerprint: [UInt8], response: StoredResponse)]) -> [KeyClaim] {
        var claims = [KeyClaim](repeating: .unkeyed, count: jobs.count)
        var leaders: [ClaimKey: Int] = [:]
        for (index, job) in jobs.enumerated() {
            guard let idempotency = job.idempotency else { continue }
            let key = ClaimKey(tenantID: job.tenantID, key: idempotency.key)
            if let leader = leaders[key] {
                claims[index] = .follows(leader)
                continue
            }
            leaders[key] = index
            if let committed = stored[key] {
                claims[index] = committed.fingerprint == idempotency.fingerprint
                    ? .replay(committed.response) : .refused(LedgerError.idempotencyKeyReused)
            } else {
                claims[index] = .claimed
            }
        }
        return claims
    }
}
