import Crypto
import Foundation
public import Logging
public import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster kept under Grey's data directory and reached only through
/// a Unix socket in that directory.
///
/// Several Grey processes on one data directory (`grey serve`, `grey keys`, a test run)
/// share one cluster: each holds a ``ClusterLease``, the first starts the server and the
/// last one out stops it. Leases are `flock(2)` locks, so a crashed process releases its own.
public struct EmbeddedCluster: Sendable {
    /// The database role Grey connects as (the cluster's superuser).
    public static let role = "grey"
    /// The database Grey's own data lives in.
    public static let defaultDatabase = "grey"

    /// How much durability the cluster trades for speed.
    public enum Durability: Sendable {
        /// Every commit reaches the disk: the default for `grey serve`.
        case durable
        /// fsync off: for throwaway clusters in tests, never for real data.
        case disposable
    }

    public let dataDirectory: String
    public let durability: Durability
    /// Where the cluster's files live: `<data>/postgres`, or a private directory under
    /// /var/lib/grey-postgres when root runs Grey in a directory the cluster owner cannot reach.
    let home: String
    /// The directory holding the server's socket.
    let socketDirectory: String
    let owner: ClusterOwner
    let binaries: PostgresBinaries

    var clusterDirectory: String { home + "/cluster" }
    var serverLog: String { home + "/server.log" }
    private var startLockPath: String { dataDirectory + "/.postgres-start.lock" }
    private var leaseLockPath: String { dataDirectory + "/.postgres-lease.lock" }

    /// The socket file clients connect to.
    public var socketPath: String { socketDirectory + "/.s.PGSQL.5432" }

    /// Prepares the directories for a cluster under `dataDirectory` (created if missing).
    public init(dataDirectory: String, durability: Durability = .durable) throws {
        let absolute = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let owner = try ClusterOwner.resolve()
        try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        // Root lets the cluster owner traverse (not list) the data directory.
        _ = chmod(absolute, owner.switchedUser == nil ? 0o700 : 0o711)

        let tag = SHA256.hash(data: Data(absolute.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        var home = absolute + "/postgres"
        if !owner.canReach(absolute) {
            try owner.prepareSharedParent("/var/lib/grey-postgres")
            home = "/var/lib/grey-postgres/" + tag
        }
        try owner.prepareDirectory(home)
        var socketDirectory = home + "/run"
        if !Self.isUsableSocketDirectory(socketDirectory) {
            socketDirectory = "/tmp/grey-pg-" + tag
        }
        try owner.prepareDirectory(socketDirectory)

        self.dataDirectory = absolute
        self.durability = durability
        self.home = home
        self.socketDirectory = socketDirectory
        self.owner = owner
        self.binaries = try PostgresBinaries.locate()
    }

    /// A socket path must fit `sun_path` (108 bytes) and be safe to write unquoted in
    /// `unix_socket_directories`.
    static func isUsableSocketDirectory(_ path: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-")
        return (path + "/.s.PGSQL.5432").utf8.count < 100 && path.allSatisfy { allowed.contains($0) }
    }

    /// Connection settings for `database` on this cluster.
    public func clientConfiguration(database: String = defaultDatabase) -> PostgresClient.Configuration {
        PostgresClient.Configuration(unixSocketPath: socketPath, username: Self.role, password: nil, database: database)
    }

    /// Starts the cluster unless it is running (creating it on first use) and holds it
    /// until the lease is released.
    public func acquire(logger: Logger) throws -> ClusterLease {
        let gate = try FileLock(path: startLockPath)
        try gate.lock(exclusive: true)
        try initializeIfNeeded(logger: logger)
        if !isRunning() {
            try writeSettings()
            logger.info("starting embedded PostgreSQL", metadata: ["socket": "\(socketPath)"])
            try Subprocess.check(owner.command([
                binaries.pgCtl, "-D", clusterDirectory, "-l", serverLog, "-w", "-t", "60", "-s", "start",
            ]))
        }
        let lease = try FileLock(path: leaseLockPath)
        try lease.lock(exclusive: false)
        return ClusterLease(cluster: self, lock: lease, logger: logger)
    }

    /// Stops the server if no other process holds a lease. Called by ``ClusterLease/release()``.
    func stopIfUnused(releasing lease: FileLock, logger: Logger) throws {
        let gate = try FileLock(path: startLockPath)
        try gate.lock(exclusive: true)
        lease.unlock()
        let probe = try FileLock(path: leaseLockPath)
        guard probe.tryLockExclusively() else { return }
        guard isRunning() else { return }
        logger.info("stopping embedded PostgreSQL")
        try Subprocess.check(owner.command([binaries.pgCtl, "-D", clusterDirectory, "-m", "fast", "-w", "-t", "60", "-s", "stop"]))
    }

    /// Whether a server is running on this cluster.
    public func isRunning() -> Bool {
        (try? Subprocess.run(owner.command([binaries.pgCtl, "-D", clusterDirectory, "status"])).status) == 0
    }

    /// The command line that stops the server once no lease is held; for watchdogs that
    /// outlive the process (the test harness).
    public func stopCommandWhenUnused() -> [String] {
        ["flock", "-x", startLockPath, "flock", "-n", "-x", leaseLockPath]
            + owner.command([binaries.pgCtl, "-D", clusterDirectory, "-m", "fast", "-w", "-s", "stop"])
    }

    private func initializeIfNeeded(logger: Logger) throws {
        guard !FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION") else { return }
        logger.info("creating embedded PostgreSQL cluster", metadata: ["directory": "\(clusterDirectory)"])
        try? FileManager.default.removeItem(atPath: clusterDirectory)
        try owner.prepareDirectory(clusterDirectory)
        try Subprocess.check(owner.command([
            binaries.initdb, "-D", clusterDirectory, "-U", Self.role, "-A", "trust", "-E", "UTF8", "--no-locale",
        ]))
        let mainConfig = clusterDirectory + "/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mainConfig))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n# Settings managed by Grey.\ninclude_if_exists = 'grey.conf'\n".utf8))
    }

    /// Writes the settings Grey manages; rewritten on every start so a moved data
    /// directory keeps working.
    private func writeSettings() throws {
        var lines = [
            "listen_addresses = ''",
            "unix_socket_directories = '\(socketDirectory)'",
            "unix_socket_permissions = 0700",
            // A disposable (test) cluster serves every suite at once, each app with its own pool.
            "max_connections = \(durability == .disposable ? 600 : 200)",
            "log_min_messages = warning",
        ]
        if durability == .disposable {
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let path = clusterDirectory + "/grey.conf"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        try owner.take(file: path)
    }
}
