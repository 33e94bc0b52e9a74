public import Audit
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
    /// System account ids already looked up; they never change once created.
    let systemAccounts = BoundedCache<SystemAccountKey, UUID>(capacity: 100_000)
    /// Wallet currencies already read: a wallet's currency never changes and wallets are
    /// never removed, so an entry never goes stale.
    let knownWalletCurrencies = BoundedCache<AccountKey, CurrencyCode>(capacity: 200_000)
    let queue: PostingQueue

    /// - Parameters:
    ///   - postingRunners: posting batches in flight at once (see ``PostingQueue``).
    ///   - postingExecutor: where the posting batches run; nil for the shared pool.
    ///   - postingObserver: told the path of every posting batch (``PostingPath``).
    public init(
        client: PostgresClient, logger: Logger, postingRunners: Int = 2, postingExecutor: (any TaskExecutor)? = nil,
        postingObserver: (@Sendable (PostingPath) -> Void)? = nil
    ) {
        self.client = client
        self.logger = logger
        self.queue = PostingQueue(
            client: client, logger: logger, runners: postingRunners, executor: postingExecutor, observer: postingObserver
        )
    }

    /// Posts a planned request with the next batch and returns once it is committed.
    /// With `idempotency`, the outcome is stored under the key in the same transaction,
    /// and a key used before is replayed instead of posted again. The posting is recorded
    /// in the audit log against `actor` in the same transaction.
    public func post(
        _ request: PostingRequest, tenantID: UUID, idempotency: IdempotentRequest? = nil, actor: AuditActor = .system
    ) async throws -> PostingResult {
        try await queue.post(request, tenantID: tenantID, idempotency: idempotency, actor: actor)
    }

    /// The id of a system account, created on first use.
    func systemAccount(_ kind: SystemAccount, currency: CurrencyCode, tenantID: UUID) async throws -> UUID {
        let key = SystemAccountKey(tenantID: tenantID, kind: kind, currency: currency)
        if let known = systemAccounts.lookUp(key) { return known }
        // A concurrent first use can hide the row from one attempt's snapshot; the next sees it.
        for _ in 0..<3 {
            if let id = try await createOrFindSystemAccount(kind, currency: currency, tenantID: tenantID) {
                systemAccounts.remember(id, for: key)
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

/// A system account of a tenant in one currency.
struct SystemAccountKey: Hashable, Sendable {
    let tenantID: UUID
    let kind: SystemAccount
    let currency: CurrencyCode
}
