import Audit
import Foundation

/// A posting request waiting in the queue for its batch.
struct PostingJob: Sendable {
    let tenantID: UUID
    let request: PostingRequest
    let idempotency: IdempotentRequest?
    /// Who the posting is recorded against in the audit log.
    let actor: AuditActor
    /// When the request joined the queue, for the posted-transaction log line.
    let enqueuedAt: ContinuousClock.Instant
    let completion: CheckedContinuation<PostingResult, any Error>

    /// The accounts the request touches, in its tenant.
    var accounts: [AccountKey] { request.accountIDs.map { AccountKey(tenantID: tenantID, accountID: $0) } }
}

/// The (tenant, key) an idempotent job is claimed under.
struct ClaimKey: Hashable {
    let tenantID: UUID
    let key: String
}

/// A keyed request's response, to be written under its key with the request's fingerprint.
struct KeyedResponse {
    let key: ClaimKey
    let fingerprint: [UInt8]
    let response: StoredResponse
}
