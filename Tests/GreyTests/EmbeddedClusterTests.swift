import Database
import Foundation
import PostgresNIO
import Testing

/// The embedded cluster's life: shared by leases, stopped by the last, data kept.
@Suite struct EmbeddedClusterTests {
    @Test func lastLeaseStopsTheServerAndDataSurvivesARestart() async throws {
        let directory = try await TestDatabase.makeScratchDirectory("cluster")
        let cluster = try EmbeddedCluster(dataDirectory: directory, durability: .disposable)
        let logger = TestDatabase.logger

        let first = try cluster.acquire(logger: logger)
        let second = try cluster.acquire(logger: logger)
        #expect(cluster.isRunning())
        try await cluster.createDatabaseIfNeeded("grey", logger: logger)
        try await PostgresClient.withRunning(configuration: cluster.clientConfiguration(), logger: logger) { client in
            try await client.query("CREATE TABLE kept (note text)", logger: logger)
            try await client.query("INSERT INTO kept VALUES ('still here')", logger: logger)
        }

        try first.release()
        #expect(cluster.isRunning(), "another lease is still held")
        try second.release()
        #expect(!cluster.isRunning())
        try second.release()  // a second release is harmless

        let again = try cluster.acquire(logger: logger)
        defer { try? again.release() }
        try await PostgresClient.withRunning(configuration: cluster.clientConfiguration(), logger: logger) { client in
            let rows = try await client.query("SELECT note FROM kept", logger: logger)
            var notes: [String] = []
            for try await note in rows.decode(String.self) { notes.append(note) }
            #expect(notes == ["still here"])
        }
    }

    @Test func socketIsPrivateAndTCPIsOff() async throws {
        let cluster = try await TestDatabase.cluster
        let permissions = try FileManager.default.attributesOfItem(atPath: cluster.socketPath)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o077 } == 0, "socket must not be reachable by other users")
        try await PostgresClient.withRunning(configuration: cluster.clientConfiguration(database: "postgres"), logger: TestDatabase.logger) { client in
            let rows = try await client.query("SELECT current_setting('listen_addresses')", logger: TestDatabase.logger)
            for try await value in rows.decode(String.self) { #expect(value == "") }
        }
    }
}
