import Logging

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A process's hold on a running ``EmbeddedCluster``; the last lease released stops it.
public final class ClusterLease: Sendable {
    private let cluster: EmbeddedCluster
    private let lock: Mutex<FileLock?>
    private let logger: Logger

    init(cluster: EmbeddedCluster, lock: FileLock, logger: Logger) {
        self.cluster = cluster
        self.lock = Mutex(lock)
        self.logger = logger
    }

    /// Gives the lease back, stopping the server when no other process holds one.
    /// Releasing twice does nothing.
    public func release() throws {
        guard let held = lock.withLock({ value -> FileLock? in
            defer { value = nil }
            return value
        }) else { return }
        try cluster.stopIfUnused(releasing: held, logger: logger)
    }
}
