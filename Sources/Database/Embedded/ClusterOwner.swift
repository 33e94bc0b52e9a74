import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The operating-system account the embedded cluster runs as.
///
/// PostgreSQL refuses to run as root, so when Grey runs as root the cluster belongs to an
/// unprivileged system account (created on first use); otherwise it belongs to the
/// current user.
struct ClusterOwner: Sendable {
    /// The system account used when Grey runs as root.
    static let systemUserName = "grey-postgres"

    /// The account's name when it is not the current user.
    let switchedUser: String?
    let uid: uid_t
    let gid: gid_t

    /// The current user, or the system account when running as root.
    static func resolve() throws -> ClusterOwner {
        guard geteuid() == 0 else {
            return ClusterOwner(switchedUser: nil, uid: geteuid(), gid: getegid())
        }
        if let account = lookUp(systemUserName) { return account }
        let outcome = try Subprocess.run([
            "useradd", "--system", "--user-group", "--no-create-home",
            "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", systemUserName,
        ])
        // A concurrent start may have created it first; only the account's existence matters.
        if let account = lookUp(systemUserName) { return account }
        throw EmbeddedClusterError.commandFailed(command: "useradd", status: outcome.status, output: outcome.output)
    }

    private static func lookUp(_ name: String) -> ClusterOwner? {
        guard let entry = getpwnam(name) else { return nil }
        return ClusterOwner(switchedUser: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// The command line that runs `arguments` as this account.
    func command(_ arguments: [String]) -> [String] {
        guard let switchedUser else { return arguments }
        return ["runuser", "-u", switchedUser, "--"] + arguments
    }

    /// Whether this account can reach `path` (every parent directory searchable).
    func canReach(_ path: String) -> Bool {
        guard switchedUser != nil else { return true }
        return (try? Subprocess.run(command(["test", "-x", path])).status) == 0
    }

    /// Makes `path` a directory owned by this account with mode 0700, creating it if needed.
    ///
    /// An existing path must be a real directory (not a link) owned by this account or by
    /// the current user (who then hands it over).
    func prepareDirectory(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { throw EmbeddedClusterError.systemCall(name: "lstat", path: path, errno: errno) }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw EmbeddedClusterError.systemCall(name: "mkdir", path: path, errno: errno)
            }
            guard lstat(path, &info) == 0 else { throw EmbeddedClusterError.systemCall(name: "lstat", path: path, errno: errno) }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw EmbeddedClusterError.unsafeDirectory(path: path, reason: "not a directory")
        }
        guard info.st_uid == uid || info.st_uid == geteuid() else {
            throw EmbeddedClusterError.unsafeDirectory(path: path, reason: "owned by uid \(info.st_uid), expected \(uid)")
        }
        if info.st_uid != uid || info.st_gid != gid {
            guard chown(path, uid, gid) == 0 else { throw EmbeddedClusterError.systemCall(name: "chown", path: path, errno: errno) }
        }
        guard chmod(path, 0o700) == 0 else { throw EmbeddedClusterError.systemCall(name: "chmod", path: path, errno: errno) }
    }

    /// Gives an existing file to this account.
    func take(file path: String) throws {
        guard switchedUser != nil else { return }
        guard chown(path, uid, gid) == 0 else { throw EmbeddedClusterError.systemCall(name: "chown", path: path, errno: errno) }
    }
}

extension ClusterOwner {
    /// Makes a root-owned directory (mode 0711) that holds per-cluster directories of this account.
    func prepareSharedParent(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard mkdir(path, 0o711) == 0 || errno == EEXIST else {
                throw EmbeddedClusterError.systemCall(name: "mkdir", path: path, errno: errno)
            }
            guard lstat(path, &info) == 0 else { throw EmbeddedClusterError.systemCall(name: "lstat", path: path, errno: errno) }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else {
            throw EmbeddedClusterError.unsafeDirectory(path: path, reason: "not a directory owned by the current user")
        }
        _ = chmod(path, 0o711)
    }
}
