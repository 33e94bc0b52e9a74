import Database
import Foundation
import PostgresNIO

/// What a batch knows once its accounts are locked: every read of the batch, made in one
/// call of `ledger_read_batch` (migration 0006), so in one round trip.
struct BatchSnapshot {
    /// Idempotency-Keys of the batch committed before, with their request fingerprints.
    var storedKeys: [ClaimKey: (fingerprint: [UInt8], response: StoredResponse)] = [:]
    var accounts: [AccountKey: AccountState] = [:]
    var externalRefs: [BatchPlanner.ExternalRefKey: UUID] = [:]
    var reversals: [AccountKey: UUID] = [:]
    /// When the locks were all held, in whole microseconds since 1970: every transaction
    /// of the batch is created at this instant.
    var lockedAtMicroseconds: Int64 = 0

    var lockedAt: Date { Date(timeIntervalSince1970: Double(lockedAtMicroseconds) / 1_000_000) }
}

extension BatchPoster {
    /// Looks up the batch's Idempotency-Keys, locks every account its requests name (in
    /// id order), then reads in a snapshot taken after the locks: the accounts' latest
    /// balances and the external references and reversals already committed.
    func read(_ jobs: [PostingJob], on connection: PostgresConnection) async throws -> BatchSnapshot {
        var seenKeys = Set<ClaimKey>()
        let keys = jobs.compactMap { job in job.idempotency.map { ClaimKey(tenantID: job.tenantID, key: $0.key) } }
            .filter { seenKeys.insert($0).inserted }
        var seenAccounts = Set<AccountKey>()
        let accounts = jobs.flatMap(\.accounts)
            .filter { seenAccounts.insert($0).inserted }
        let refs = jobs.compactMap { job in job.request.externalRef.map { (job.tenantID, $0) } }
        let reversed = jobs.compactMap { job in job.request.reversesID.map { (job.tenantID, $0) } }

        let rows = try await connection.run(
            BatchRead.query(keys: keys, accounts: accounts, refs: refs, reversed: reversed), as: BatchRead.self, logger: logger
        )
        var snapshot = BatchSnapshot()
        for try await row in rows {
            // Each kind of row decodes only the columns it fills, cell by cell.
            let cells = row.makeRandomAccess()
            func cell<Value: PostgresDecodable>(_ column: BatchRead.Column, _: Value.Type) throws -> Value? where Value._DecodableType == Value {
                try cells[column.rawValue].decode(Value?.self, context: .default)
            }
            switch try cell(.kind, String.self) {
            case "k":
                guard let tenantID = try cell(.tenantID, UUID.self), let label = try cell(.label, String.self),
                      let digest = try cell(.digest, ByteBuffer.self), let responseStatus = try cell(.responseStatus, Int.self),
                      let body = try cell(.responseBody, ByteBuffer.self) else { continue }
                snapshot.storedKeys[ClaimKey(tenantID: tenantID, key: label)] = (
                    Array(buffer: digest), StoredResponse(status: responseStatus, body: Array(buffer: body))
                )
            case "a":
                guard let tenantID = try cell(.tenantID, UUID.self), let id = try cell(.id, UUID.self),
                      let label = try cell(.label, String.self), let type = AccountType(rawValue: label),
                      let currency = try cell(.currency, String.self), let allowsNegative = try cell(.allowNegative, Bool.self),
                      let sequence = try cell(.sequence, Int64.self), let balance = try cell(.balance, Int64.self) else { continue }
                let status = try cell(.status, String.self)
                snapshot.accounts[AccountKey(tenantID: tenantID, accountID: id)] = AccountState(
                    type: type, currency: currency, allowsNegative: allowsNegative, isWallet: status != nil,
                    isFrozen: status == "frozen", sequence: sequence, balance: balance
                )
            case "r":
                guard let tenantID = try cell(.tenantID, UUID.self), let id = try cell(.id, UUID.self),
                      let label = try cell(.label, String.self) else { continue }
                snapshot.externalRefs[BatchPlanner.ExternalRefKey(tenantID: tenantID, ref: label)] = id
            case "v":
                guard let tenantID = try cell(.tenantID, UUID.self), let id = try cell(.id, UUID.self),
                      let otherID = try cell(.otherID, UUID.self) else { continue }
                snapshot.reversals[AccountKey(tenantID: tenantID, accountID: otherID)] = id
            case "t":
                if let at = try cell(.atMicroseconds, Int64.self) { snapshot.lockedAtMicroseconds = at }
            default:
                continue
            }
        }
        return snapshot
    }
}

/// The batch's one reading statement, `ledger_read_batch` (migration 0006), prepared once
/// per connection.
enum BatchRead: ReusedStatement {
    /// The statement's columns, in order.
    enum Column: Int {
        case kind, tenantID, id, label, otherID, currency, allowNegative, status, sequence, balance
        case digest, responseStatus, responseBody, atMicroseconds
    }

    static let name = "grey_ledger_batch_read"
    static let sql = query(keys: [], accounts: [], refs: [], reversed: []).sql

    static func query(keys: [ClaimKey], accounts: [AccountKey], refs: [(UUID, String)], reversed: [(UUID, UUID)]) -> PostgresQuery {
        """
        SELECT kind, tenant_id, id, label, other_id, currency, allow_negative, status, sequence, balance,
               digest, response_status, response_body, at_microseconds
        FROM ledger_read_batch(
            \(ArrayParameter(keys.map(\.tenantID))), \(ArrayParameter(keys.map(\.key))),
            \(ArrayParameter(accounts.map(\.tenantID))), \(ArrayParameter(accounts.map(\.accountID))),
            \(ArrayParameter(refs.map(\.0))), \(ArrayParameter(refs.map(\.1))),
            \(ArrayParameter(reversed.map(\.0))), \(ArrayParameter(reversed.map(\.1)))
        )
        """
    }
}
