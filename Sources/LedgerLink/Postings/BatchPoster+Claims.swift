import Foundation
import PostgresNIO

/// How a job of the batch goes on once the keys are claimed.
enum KeyClaim {
    /// No Idempotency-Key: the request runs.
    case unkeyed
    /// The key is now this batch's: the request runs and its response is stored.
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
    /// Claims every key of the batch in one statement, in key order (so two batches never
    /// wait on each other's keys in opposite orders). A key held by a transaction still in
    /// flight makes the claim wait for it: if it commits, its response is replayed here;
    /// if it rolls back, the key is claimed here.
    func claimKeys(of jobs: [PostingJob], on connection: PostgresConnection) async throws -> [KeyClaim] {
        var claims = [KeyClaim](repeating: .unkeyed, count: jobs.count)
        var leaders: [ClaimKey: Int] = [:]
        for (index, job) in jobs.enumerated() {
            guard let idempotency = job.idempotency else { continue }
            let key = ClaimKey(tenantID: job.tenantID, key: idempotency.key)
            if let leader = leaders[key] { claims[index] = .follows(leader) } else { leaders[key] = index }
        }
        guard !leaders.isEmpty else { return claims }

        let keys = Array(leaders.keys)
        let digests = keys.map { ByteBuffer(bytes: jobs[leaders[$0]!].idempotency!.fingerprint) }
        let rows = try await connection.query(
            """
            INSERT INTO idempotency_keys (tenant_id, key, request_sha256, status, response_body)
            SELECT c.tenant_id, c.key, c.digest, 0, ''::bytea
            FROM unnest(\(keys.map(\.tenantID)), \(keys.map(\.key)), \(digests)) AS c(tenant_id, key, digest)
            ORDER BY c.tenant_id, c.key
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, key
            """,
            logger: logger
        )
        var unclaimed = Set(keys)
        for try await (tenantID, key) in rows.decode((UUID, String).self) {
            let claimKey = ClaimKey(tenantID: tenantID, key: key)
            unclaimed.remove(claimKey)
            if let leader = leaders[claimKey] { claims[leader] = .claimed }
        }
        guard !unclaimed.isEmpty else { return claims }

        for (key, stored) in try await storedResponses(for: Array(unclaimed), on: connection) {
            let leader = leaders[key]!
            if stored.fingerprint != jobs[leader].idempotency!.fingerprint {
                claims[leader] = .refused(LedgerError.idempotencyKeyReused)
            } else if stored.response.status == 0 {
                claims[leader] = .refused(LedgerError.requestInProgress)
            } else {
                claims[leader] = .replay(stored.response)
            }
        }
        return claims
    }

    private func storedResponses(
        for keys: [ClaimKey], on connection: PostgresConnection
    ) async throws -> [(ClaimKey, (fingerprint: [UInt8], response: StoredResponse))] {
        let rows = try await connection.query(
            """
            SELECT k.tenant_id, k.key, k.request_sha256, k.status, k.response_body
            FROM idempotency_keys k
            JOIN unnest(\(keys.map(\.tenantID)), \(keys.map(\.key))) AS c(tenant_id, key)
              ON k.tenant_id = c.tenant_id AND k.key = c.key
            """,
            logger: logger
        )
        var found: [(ClaimKey, (fingerprint: [UInt8], response: StoredResponse))] = []
        for try await (tenantID, key, digest, status, body) in rows.decode((UUID, String, ByteBuffer, Int, ByteBuffer).self) {
            found.append((ClaimKey(tenantID: tenantID, key: key), (Array(buffer: digest), StoredResponse(status: status, body: Array(buffer: body)))))
        }
        return found
    }

    /// Stores each keyed request's response under its key, in one statement.
    func store(_ responses: [(ClaimKey, StoredResponse)], on connection: PostgresConnection) async throws {
        guard !responses.isEmpty else { return }
        try await connection.query(
            """
            UPDATE idempotency_keys k SET status = u.status, response_body = u.body
            FROM unnest(
                \(responses.map(\.0.tenantID)), \(responses.map(\.0.key)), \(responses.map(\.1.status)),
                \(responses.map { ByteBuffer(bytes: $0.1.body) })
            ) AS u(tenant_id, key, status, body)
            WHERE k.tenant_id = u.tenant_id AND k.key = u.key
            """,
            logger: logger
        )
    }
}
