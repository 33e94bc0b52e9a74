@testable import Database
import Foundation
import PostgresNIO
import Testing

@Suite struct SQLScriptTests {
    @Test func splitsOnlyOnStatementSemicolons() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE a (x text DEFAULT 'semi;colon', "odd;name" int);
            /* block; comment */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN RAISE EXCEPTION 'no; way'; END;
            $body$;
            INSERT INTO a VALUES ('it''s; fine', 1)
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[0].hasPrefix("-- a comment"))
        #expect(statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].contains("RAISE EXCEPTION 'no; way'; END;"))
        #expect(statements[2] == "INSERT INTO a VALUES ('it''s; fine', 1)")
    }

    @Test func dropsEmptyStatements() {
        #expect(SQLScript.statements(in: " ;; -- only a comment\n; /* x */ ").isEmpty)
    }
}

@Suite struct IdentifierTests {
    @Test func roundTripsAndRejectsOtherShapes() throws {
        let users = Identifier(prefix: "usr")
        let uuid = Identifier.makeUUID()
        let text = users.format(uuid)
        #expect(text.hasPrefix("usr_") && text.count == 36)
        #expect(users.parse(text) == uuid)
        for bad in ["", "usr_", "key_" + Identifier.hex(uuid), "usr_" + Identifier.hex(uuid).uppercased(), text + "0", "usr_zz" + String(text.dropFirst(6))] {
            #expect(users.parse(bad) == nil, "accepted \(bad)")
        }
    }

    @Test func uuidsAreVersion7AndTimeOrdered() {
        let earlier = Identifier.makeUUID(now: Date(timeIntervalSince1970: 1_700_000_000))
        let later = Identifier.makeUUID(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(earlier.uuid.6 >> 4 == 7)
        #expect(earlier.uuid.8 >> 6 == 0b10)
        #expect(Identifier.hex(earlier) < Identifier.hex(later))
    }

    @Test func randomUUIDsAreVersion4AndDistinct() {
        let uuids = (0..<1000).map { _ in Identifier.makeRandomUUID() }
        #expect(uuids.allSatisfy { $0.uuid.6 >> 4 == 4 && $0.uuid.8 >> 6 == 0b10 })
        #expect(Set(uuids).count == uuids.count)
        // Foundation reads the same layout back.
        #expect(uuids.allSatisfy { UUID(uuidString: $0.uuidString) == $0 })
    }

    /// Drawn from one pool by many threads at once, across many refills, never twice the same.
    @Test func randomUUIDsDrawnConcurrentlyAreDistinct() async {
        let batches = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2000).map { _ in Identifier.makeRandomUUID() } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let all = batches.flatMap { $0 }
        #expect(all.count == 8000 && Set(all).count == 8000)
    }
}

@Suite struct Base64URLTests {
    @Test func matchesFoundationForEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
        }
    }

    @Test(arguments: ["A", "AAAAA", "AB", "AAB", "AA==", "AA+/", "AA A", "AA\u{e9}A"])
    func refusesNonCanonicalText(_ text: String) {
        // "AB" and "AAB" set spare bits: they would be a second spelling of other bytes.
        #expect(Base64URL.decode(text) == nil)
    }
}

@Suite struct DatabaseURLTests {
    @Test func readsTCPAndSocketURLs() throws {
        let tcp = try DatabaseURL.parse("postgres://grey:s3cret@db.internal:6432/ledger?sslmode=disable")
        #expect(tcp.host == "db.internal")
        #expect(tcp.port == 6432)
        #expect(tcp.username == "grey")
        #expect(tcp.password == "s3cret")
        #expect(tcp.database == "ledger")

        let socket = try DatabaseURL.parse("postgresql://grey@localhost/ledger?host=/var/run/postgresql")
        #expect(socket.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test(arguments: ["mysql://a@b/c", "postgres://db.internal/ledger", "postgres://u:pw@/x", "postgres://u:topsecret@h/db?sslmode=bogus"])
    func refusesBadURLsWithoutEchoingThem(url: String) {
        do {
            _ = try DatabaseURL.parse(url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(!String(describing: error).contains("topsecret"))
            #expect(!String(describing: error).contains("pw"))
        }
    }
}

@Suite struct MigratorTests {
    @Test func appliesEachMigrationOnceEvenConcurrently() async throws {
        let configuration = try await TestDatabase.makeDatabase()
        try await PostgresClient.withRunning(configuration: configuration, logger: TestDatabase.logger) { client in
            let migrator = try Migrator.bundled()
            // Already applied by makeDatabase: nothing more to do, from several callers at once.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await migrator.apply(on: client, logger: TestDatabase.logger).count } }
                for try await count in group { #expect(count == 0) }
            }
            let rows = try await client.query("SELECT count(*)::int FROM schema_migrations", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == migrator.migrations.count) }
        }
    }

    @Test func freshDatabaseGetsAllMigrationsInOrder() async throws {
        let cluster = try await TestDatabase.cluster
        let name = "fresh_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await cluster.createDatabaseIfNeeded(name, logger: TestDatabase.logger)
        try await PostgresClient.withRunning(configuration: cluster.clientConfiguration(database: name), logger: TestDatabase.logger) { client in
            let applied = try await Migrator.bundled().apply(on: client, logger: TestDatabase.logger)
            #expect(applied.map(\.version) == applied.map(\.version).sorted())
            #expect(applied.first?.version == 1)
        }
    }

    @Test func refusesAMigrationChangedAfterItRan() async throws {
        try await TestDatabase.withClient { client in
            let bundled = try Migrator.bundled()
            var changed = bundled.migrations
            let first = changed[0]
            changed[0] = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited", checksum: "different")
            await #expect(throws: MigrationError.self) {
                try await Migrator(migrations: changed).apply(on: client, logger: TestDatabase.logger)
            }
        }
    }

    @Test func failingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withClient { client in
            let broken = Migration(version: 9999, name: "9999_broken.sql", sql: "CREATE TABLE half_done (x int); SELECT * FROM no_such_table;", checksum: "x")
            let migrator = try Migrator(migrations: try Migrator.bundled().migrations + [broken])
            await #expect(throws: (any Error).self) { try await migrator.apply(on: client, logger: TestDatabase.logger) }
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL", logger: TestDatabase.logger)
            for try await isAbsent in rows.decode(Bool.self) { #expect(isAbsent) }
        }
    }
}

@Suite struct ReusedStatementTests {
    enum Doubled: ReusedStatement {
        static let name = "grey_test_doubled"
        static let sql = query([]).sql
        static func query(_ values: [Int64]) -> PostgresQuery { "SELECT v * 2 FROM unnest(\(values)) AS u(v) ORDER BY v" }
    }

    /// Each call binds other values to the one statement the connection prepared at the first.
    @Test func isPreparedOnceAndRunsWithEachCallsValues() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                var results: [[Int64]] = []
                for values in [[1, 2, 3], [], [20]] as [[Int64]] {
                    var doubled: [Int64] = []
                    for try await row in try await connection.run(Doubled.query(values), as: Doubled.self, logger: TestDatabase.logger) {
                        doubled.append(try row.decode(Int64.self))
                    }
                    results.append(doubled)
                }
                #expect(results == [[2, 4, 6], [], [40]])

                let prepared = try await connection.query(
                    "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE name = \(Doubled.name)",
                    logger: TestDatabase.logger
                )
                var found: [(String, Int64)] = []
                for try await row in prepared.decode((String, Int64).self) { found.append(row) }
                #expect(found.count == 1)
                #expect(found.first?.0 == Doubled.sql)
                #expect(found.first?.1 == 3)
            }
        }
    }
}

/// Each array parameter reads back from PostgreSQL as the values bound, empty ones too.
@Suite struct ArrayParameterTests {
    @Test func everyColumnTypeRoundTrips() async throws {
        try await TestDatabase.withClient { client in
            let logger = TestDatabase.logger
            let uuids = [UUID(), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), UUID()]
            let numbers: [Int64] = [0, -1, .max, .min, 42]
            let texts = ["", "plain", "naïve – ünïcödé ✓", String(repeating: "x", count: 5_000)]
            let flags = [true, false, true]
            let blobs = [ByteBuffer(), ByteBuffer(bytes: [0, 1, 255]), ByteBuffer(string: "bytes")]

            func read<Value: PostgresDecodable>(_ query: PostgresQuery, as: Value.Type) async throws -> [Value] {
                var values: [Value] = []
                for try await value in try await client.query(query, logger: logger).decode(Value.self) { values.append(value) }
                return values
            }
            let readUUIDs = try await read("SELECT u FROM unnest(\(ArrayParameter(uuids))) WITH ORDINALITY AS t(u, n) ORDER BY n", as: UUID.self)
            let readNumbers = try await read("SELECT u FROM unnest(\(ArrayParameter(numbers))) WITH ORDINALITY AS t(u, n) ORDER BY n", as: Int64.self)
            let readTexts = try await read("SELECT u FROM unnest(\(ArrayParameter(texts))) WITH ORDINALITY AS t(u, n) ORDER BY n", as: String.self)
            let readFlags = try await read("SELECT u FROM unnest(\(ArrayParameter(flags))) WITH ORDINALITY AS t(u, n) ORDER BY n", as: Bool.self)
            let readBlobs = try await read("SELECT u FROM unnest(\(ArrayParameter(blobs))) WITH ORDINALITY AS t(u, n) ORDER BY n", as: ByteBuffer.self)
            #expect(readUUIDs == uuids)
            #expect(readNumbers == numbers)
            #expect(readTexts == texts)
            #expect(readFlags == flags)
            #expect(readBlobs == blobs)
            // Empty arrays have no dimensions, as PostgresNIO's own encoding of `[]` writes them.
            let empty = try await read("SELECT cardinality(\(ArrayParameter<UUID>([])))::bigint + cardinality(\(ArrayParameter<String>([])))::bigint", as: Int64.self)
            #expect(empty == [0])
            let types = try await read("SELECT pg_typeof(\(ArrayParameter<Int64>([1])))::text || ' ' || pg_typeof(\(ArrayParameter<ByteBuffer>([])))::text", as: String.self)
            #expect(types == ["bigint[] bytea[]"])
        }
    }
}
