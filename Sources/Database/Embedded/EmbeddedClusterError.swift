import Foundation

/// Why the embedded PostgreSQL cluster could not be set up, started or stopped.
public enum EmbeddedClusterError: Error, CustomStringConvertible {
    /// No `initdb`/`pg_ctl` on PATH nor under /usr/lib/postgresql/*/bin.
    case binariesNotFound
    /// A helper program exited with a non-zero status.
    case commandFailed(command: String, status: Int32, output: String)
    /// A directory the cluster needs exists but belongs to someone else, or is not a directory.
    case unsafeDirectory(path: String, reason: String)
    /// A system call failed.
    case systemCall(name: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .binariesNotFound:
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; install the 'postgresql' package or set GREY_DATABASE_URL"
        case .commandFailed(let command, let status, let output):
            "\(command) exited with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .unsafeDirectory(let path, let reason):
            "refusing to use \(path): \(reason)"
        case .systemCall(let name, let path, let code):
            "\(name)(\(path)) failed: \(String(cString: strerror(code)))"
        }
    }
}

