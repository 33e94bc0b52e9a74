#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock(2)` lock on a file, released when closed or when the process dies.
final class FileLock: @unchecked Sendable {
    // Safe to share: the descriptor is written once in init and closed once, by the owner.
    private let descriptor: Int32

    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw EmbeddedClusterError.systemCall(name: "open", path: path, errno: errno) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Waits for the lock: several holders may share it, or one may hold it exclusively.
    func lock(exclusive: Bool) throws {
        while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw EmbeddedClusterError.systemCall(name: "flock", path: "fd \(descriptor)", errno: errno) }
        }
    }

    /// Lets go of the lock while keeping the file open.
    func unlock() {
        _ = flock(descriptor, LOCK_UN)
    }

    /// Takes the lock exclusively if nobody holds it; never waits.
    func tryLockExclusively() -> Bool {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }
}
