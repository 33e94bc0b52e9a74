public import Database
public import Foundation
public import Logging
public import PostgresNIO
import Synchronization

/// The ledger's operations for one service: wallets, postings and the reads over them.
/// Every call takes the caller's tenant id and scopes every query by it.
public struct Ledger: Sendable {
    public static let walletIdentifier = Identifier(prefix: "wal")
    public static let accountIdentifier = Identifier(prefix: "acc")
    public static let transactionIdentifier = Identifier(prefix: "txn")
    public static let merchantIdentifier = Identifier(prefix: "mer")
    /// The most lines one transaction may have.
    public static let maximumLines = 100

    let client: PostgresClient
    let logger: Logger
    let systemAccounts = SystemAccountDirectory()
    let walletCurrencyCache = WalletCurrencyCache()
    let queue: PostingQueue

    /// - Parameter postingRunners: posting batches in flight at once (see ``PostingQueue``).
    public init(client: PostgresClient, logger: Logger, postingRunners: Int = 1) {
        self.client = client
        self.logger = logger
        self.queue = PostingQueue(client: client, logger: logger, runners: postingRunners)
    }

    /// Posts a planned request with the next batch and returns once it is committed.
    /// With `idempotency`, the outcome is stored under the key in the same transaction,
    /// and a key used before is replayed instead of posted again.
    public func post(_ request: PostingRequest, tenantID: UUID, idempotency: IdempotentRequest? = nil) async throws -> PostingResult {
        try await queue.post(request, tenantID: tenantID, idempotency: idempotency)
    }

    /// The id of a system account, created on first use.
    func systemAccount(_ kind: SystemAccount, currency: CurrencyCode, tenantID: UUID) async throws -> UUID {
        if let known = systemAccounts.lookUp(tenantID: tenantID, kind: kind, currency: currency) { return known }
        // A concurrent first use can hide the row from one attempt's snapshot; the next sees it.
        for _ in 0..<3 {
            if let id = try await createOrFindSystemAccount(kind, currency: currency, tenantID: tenantID) {
                systemAccounts.remember(id, tenantID: tenantID, kind: kind, currency: currency)
                return id
            }
        }
        throw LedgerError.notFound("system account")
    }

    private func createOrFindSystemAccount(_ kind: SystemAccount, currency: CurrencyCode, tenantID: UUID) async throws -> UUID? {
        let rows = try await client.query(
            """
            WITH created AS (
                INSERT INTO accounts (tenant_id, id, code, name, type, currency, allow_negative)
                VALUES (\(tenantID), \(Identifier.makeUUID()), \(kind.rawValue), \(kind.name), \(kind.type.rawValue), \(currency.code), true)
                ON CONFLICT (tenant_id, currency, code) DO NOTHING
                RETURNING id
            )
            SELECT id FROM created
            UNION ALL
            SELECT id FROM accounts WHERE tenant_id = \(tenantID) AND currency = \(currency.code) AND code = \(kind.rawValue)
            """,
            logger: logger
        )
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }
}

/// System account ids already looked up; they never change once created.
final class SystemAccountDirectory: Sendable {
    private struct Key: Hashable {
        var tenantID: UUID
        var kind: String
        var currency: String
    }

    private let ids = Mutex<[Key: UUID]>([:])

    func lookUp(tenantID: UUID, kind: SystemAccount, currency: CurrencyCode) -> UUID? {
        ids.withLock { $0[Key(tenantID: tenantID, kind: kind.rawValue, currency: currency.code)] }
    }

    func remember(_ id: UUID, tenantID: UUID, kind: SystemAccount, currency: CurrencyCode) {
        ids.withLock { $0[Key(tenantID: tenantID, kind: kind.rawValue, currency: currency.code)] = id }
    }
}

/// Wallet currencies already read. A wallet's currency never changes and wallets are never
/// removed, so an entry never goes stale; the cache is emptied when it reaches its bound.
final class WalletCurrencyCache: Sendable {
    static let capacity = 200_000
    private let currencies = Mutex<[AccountKey: CurrencyCode]>([:])

    func lookUp(tenantID: UUID, walletID: UUID) -> CurrencyCode? {
        currencies.withLock { $0[AccountKey(tenantID: tenantID, accountID: walletID)] }
    }

    func remember(_ currency: CurrencyCode, tenantID: UUID, walletID: UUID) {
        currencies.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[AccountKey(tenantID: tenantID, accountID: walletID)] = currency
        }
    }
}
