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
    /// Looks up every key of the batch in one statement. A key committed before is
    /// replayed (or refused for another request); a new key is claimed, and
    /// ``store(_:on:)`` writes it at the end of the batch.
    func claimKeys(of jobs: [PostingJob], on connection: PostgresConnection) async throws -> [KeyClaim] {
        var claims = [KeyClaim](repeating: .unkeyed, count: jobs.count)
        var leaders: [ClaimKey: Int] = [:]
        for (index, job) in jobs.enumerated() {
            guard let idempotency = job.idempotency else { continue }
            let key = ClaimKey(tenantID: job.tenantID, key: idempotency.key)
            if let leader = leaders[key] {
                claims[index] = .follows(leader)
            } else {
                leaders[key] = index
                claims[index] = .claimed
            }
        }
        guard !leaders.isEmpty else { return claims }

        for (key, stored) in try await storedResponses(for: Array(leaders.keys), on: connection) {
            let leader = leaders[key]!
            if stored.fingerprint != jobs[leader].idempotency!.fingerprint {
                claims[leader] = .refused(LedgerError.idempotencyKeyReused)
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

    /// Stores each keyed request's response under its key, in one statement and in key
    /// order (so two batches never wait on each other's keys in opposite orders; every
    /// account lock is already held, so a batch holding keys never waits for accounts).
    ///
    /// A key first seen by ``claimKeys(of:on:)`` may have been taken since by another
    /// transaction (another Grey process, say): the insert waits for that transaction and,
    /// if it committed, the whole batch is run again, and then replays its response.
    func store(_ responses: [KeyedResponse], on connection: PostgresConnection) async throws {
        guard !responses.isEmpty else { return }
        let rows = try await connection.query(
            """
            WITH stored AS (
                INSERT INTO idempotency_keys (tenant_id, key, request_sha256, status, response_body)
                SELECT u.tenant_id, u.key, u.digest, u.status, u.body
                FROM unnest(
                    \(responses.map(\.key.tenantID)), \(responses.map(\.key.key)), \(responses.map { ByteBuffer(bytes: $0.fingerprint) }),
                    \(responses.map(\.response.status)), \(responses.map { ByteBuffer(bytes: $0.response.body) })
                ) AS u(tenant_id, key, digest, status, body)
                ORDER BY u.tenant_id, u.key
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            SELECT count(*) FROM stored
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) where count != responses.count {
            throw ConcurrentWriteConflict("an Idempotency-Key of this batch was committed by another transaction meanwhile")
        }
    }
}
