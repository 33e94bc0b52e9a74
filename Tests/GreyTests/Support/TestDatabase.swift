import Database
import Foundation
import Logging
import PostgresNIO

/// One private PostgreSQL cluster per test run, and a fresh, migrated database per test.
///
/// The cluster lives in a temporary directory. A small watchdog process outlives the test
/// process, stops the cluster once the tests have exited, and removes the directory.
enum TestDatabase {
    /// Warnings and errors only, so the test output stays readable.
    static let logger: Logger = {
        var logger = Logger(label: "grey-tests")
        logger.logLevel = .warning
        return logger
    }()

    private static let shared = Task<EmbeddedCluster, any Error> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grey-tests-\(getpid())").path
        let cluster = try EmbeddedCluster(dataDirectory: directory, durability: .disposable)
        _ = try cluster.acquire(logger: logger)
        try startWatchdog(stopping: cluster)
        return cluster
    }

    /// The shared cluster, started on first use.
    static var cluster: EmbeddedCluster {
        get async throws { try await shared.value }
    }

    /// A new folder inside the test run's directory, removed with it when the run ends.
    static func makeScratchDirectory(_ purpose: String) async throws -> String {
        let path = try await cluster.dataDirectory + "/scratch/\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A new empty database with every migration applied.
    static func makeDatabase() async throws -> PostgresClient.Configuration {
        let cluster = try await cluster
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_")
        try await cluster.createDatabaseIfNeeded(name, logger: logger)
        let configuration = cluster.clientConfiguration(database: name)
        try await PostgresClient.withRunning(configuration: configuration, logger: logger) { client in
            try await Migrator.bundled().apply(on: client, logger: logger)
        }
        return configuration
    }

    /// Runs `body` with a running client on a fresh database.
    static func withClient<Result: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await PostgresClient.withRunning(configuration: makeDatabase(), logger: logger, body)
    }

    private static func startWatchdog(stopping cluster: EmbeddedCluster) throws {
        let script = """
            while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
            dir="$2"; shift 2
            "$@"
            rm -rf "$dir"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "watchdog", "\(getpid())", cluster.dataDirectory] + cluster.stopCommandWhenUnused()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }
}
