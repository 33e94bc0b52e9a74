public import PostgresNIO

/// Runs `body` again when PostgreSQL aborted it for a serialization failure (40001) or a
/// deadlock (40P01): such a transaction did nothing and is safe to repeat. Clients never
/// see these errors unless every attempt hit one.
public func retryingTransientConflicts<Result>(
    attempts: Int = 8,
    _ body: () async throws -> Result
) async throws -> Result {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch where attempt < attempts && isTransientConflict(error) {
            attempt += 1
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 6)))))
        }
    }
}

/// Thrown by code that found a concurrent transaction's committed write in its way (a
/// unique key taken meanwhile, say): like a serialization failure, safe to run again.
public struct ConcurrentWriteConflict: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Whether `error` is (or wraps) a serialization failure, a deadlock or a
/// ``ConcurrentWriteConflict``.
public func isTransientConflict(_ error: any Error) -> Bool {
    if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError {
        return isTransientConflict(inner)
    }
    if error is ConcurrentWriteConflict { return true }
    guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return false }
    return state == "40001" || state == "40P01"
}
