public import Logging
public import PostgresNIO

/// Checks the whole ledger from its entries alone, as an auditor would: every running
/// balance recomputed, every chain unbroken, every transaction balanced. The database
/// refuses writes that break these rules; this proves that it did.
public struct LedgerVerifier: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One rule, how many rows break it, and a few of them.
    public struct Check: Sendable {
        public let rule: String
        public let violations: Int
        public let examples: [String]
    }

    public struct Report: Sendable {
        public let accounts: Int
        public let entries: Int
        public let transactions: Int
        public let checks: [Check]

        public var isClean: Bool { checks.allSatisfy { $0.violations == 0 } }

        /// The report as lines for people.
        public var text: String {
            var lines = ["ledger verify: \(accounts) accounts, \(entries) entries, \(transactions) transactions"]
            for check in checks {
                lines.append("  \(check.violations == 0 ? "ok  " : "FAIL") \(check.rule)" + (check.violations == 0 ? "" : ": \(check.violations)"))
                for example in check.examples { lines.append("         \(example)") }
            }
            lines.append(isClean ? "ledger verify: clean" : "ledger verify: DISCREPANCIES FOUND")
            return lines.joined(separator: "\n")
        }
    }

    /// The signed movement of an entry on its account's normal side.
    private static let movement = "CASE WHEN (e.direction = 'debit') = (a.type IN ('asset', 'expense')) THEN e.amount ELSE -e.amount END"

    private static let rules: [(String, String)] = [
        (
            "every entry continues its account's chain (sequence + 1, previous balance + movement)",
            """
            SELECT tenant_id::text || ' account ' || account_id::text || ' sequence ' || sequence::text FROM (
                SELECT e.tenant_id, e.account_id, e.sequence, e.balance_after, \(movement) AS movement,
                       lag(e.sequence) OVER chain AS previous_sequence, lag(e.balance_after) OVER chain AS previous_balance
                FROM entries e JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
                WINDOW chain AS (PARTITION BY e.tenant_id, e.account_id ORDER BY e.sequence)
            ) chained
            WHERE sequence <> coalesce(previous_sequence, 0) + 1 OR balance_after <> coalesce(previous_balance, 0) + movement
            """
        ),
        (
            "every account's balance equals the sum of its entries",
            """
            SELECT tenant_id::text || ' account ' || account_id::text FROM (
                SELECT e.tenant_id, e.account_id, sum(\(movement)) AS recomputed,
                       (array_agg(e.balance_after ORDER BY e.sequence DESC))[1] AS recorded
                FROM entries e JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
                GROUP BY e.tenant_id, e.account_id
            ) balances
            WHERE recomputed <> recorded
            """
        ),
        (
            "no account that may not go negative ever did",
            """
            SELECT e.tenant_id::text || ' account ' || e.account_id::text || ' sequence ' || e.sequence::text
            FROM entries e JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
            WHERE NOT a.allow_negative AND e.balance_after < 0
            """
        ),
        (
            "every transaction's debits equal its credits, and its amount is their total",
            """
            SELECT t.tenant_id::text || ' transaction ' || t.id::text
            FROM transactions t LEFT JOIN entries e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id
            GROUP BY t.tenant_id, t.id, t.amount
            HAVING count(e.*) < 2
                OR sum(CASE e.direction WHEN 'debit' THEN e.amount ELSE 0 END) <> sum(CASE e.direction WHEN 'credit' THEN e.amount ELSE 0 END)
                OR sum(CASE e.direction WHEN 'debit' THEN e.amount ELSE 0 END) <> t.amount
            """
        ),
        (
            "every entry is in its account's currency and its transaction's",
            """
            SELECT e.tenant_id::text || ' transaction ' || e.transaction_id::text
            FROM entries e
            JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
            JOIN transactions t ON t.tenant_id = e.tenant_id AND t.id = e.transaction_id
            WHERE e.currency <> a.currency OR e.currency <> t.currency
            """
        ),
    ]

    /// Runs every check in one repeatable-read snapshot, so postings that commit meanwhile
    /// cannot make a consistent ledger look inconsistent.
    public func verify() async throws -> Report {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                var counts: [Int] = []
                for table in ["accounts", "entries", "transactions"] {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
                    for try await count in rows.decode(Int.self) { counts.append(count) }
                }
                var checks: [Check] = []
                for (rule, sql) in Self.rules {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    var examples: [String] = []
                    var violations = 0
                    for try await example in rows.decode(String.self) {
                        violations += 1
                        if examples.count < 10 { examples.append(example) }
                    }
                    checks.append(Check(rule: rule, violations: violations, examples: examples))
                }
                try await connection.query("COMMIT", logger: logger)
                return Report(accounts: counts[0], entries: counts[1], transactions: counts[2], checks: checks)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
