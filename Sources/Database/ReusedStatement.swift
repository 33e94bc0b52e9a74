public import Logging
public import PostgresNIO

/// A statement whose text never changes, only its values: built as a ``PostgresQuery``
/// with every value bound (arrays for batches), so its text is the same whatever it is
/// given. ``PostgresConnection/run(_:as:logger:)`` prepares it once per connection under
/// ``name``, so the database parses and plans it once, not at each call.
///
/// Measured on the posting batch's two statements: parsing and planning them again at
/// each call was a tenth of PostgreSQL's CPU.
public protocol ReusedStatement {
    /// The prepared statement's name on each connection (at most 63 bytes).
    static var name: String { get }
    /// The statement's text, from ``PostgresQuery/sql`` of any instance.
    static var sql: String { get }
}

extension PostgresConnection {
    /// Runs `query`, whose text must be `Statement.sql`, as the prepared statement
    /// `Statement`. A query with other text runs unprepared (and fails a debug build: its
    /// builder's text depends on its values, which it must not).
    public func run<Statement: ReusedStatement>(
        _ query: PostgresQuery, as statement: Statement.Type, logger: Logger
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> {
        guard query.sql == Statement.sql else {
            assertionFailure("\(Statement.name): the query's text differs from the prepared one")
            return try await self.query(query, logger: logger).map { $0 }
        }
        return try await execute(PreparedQuery<Statement>(bindings: query.binds), logger: logger)
    }
}

/// PostgresNIO's prepared statement for a ``ReusedStatement``: its rows as they come.
private struct PreparedQuery<Statement: ReusedStatement>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { Statement.name }
    static var sql: String { Statement.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
