public import Foundation
import Database
import Logging
import Synchronization

/// Records reads of files for the blob lifecycle without holding up the answer: each
/// read is written in a task of its own, failures are logged and never reach the reader,
/// and a file this process recorded within the hour is not written again.
public final class FileReadRecorder: Sendable {
    /// How long a recorded read stands before the next one is written.
    static let interval: Duration = .seconds(3600)
    /// How many recent reads are remembered before the memory starts over.
    static let remembered = 10_000

    private struct Key: Hashable {
        let tenantID: UUID
        let id: UUID
    }

    private let recent = Mutex<[Key: ContinuousClock.Instant]>([:])

    public init() {}

    /// Records a read of the tenant's file in `files`, in the background.
    public func record(tenantID: UUID, id: UUID, in files: FileStore, now: ContinuousClock.Instant = .now) {
        guard isDue(Key(tenantID: tenantID, id: id), now: now) else { return }
        Task {
            do {
                try await files.recordRead(tenantID: tenantID, id: id)
            } catch {
                files.logger.warning(
                    "could not record a file read", metadata: ["file": "\(FileStore.identifier.format(id))", "error": "\(String(reflecting: error))"]
                )
            }
        }
    }

    /// Whether the read is to be written, remembering it when it is.
    private func isDue(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        recent.withLock { reads in
            if let last = reads[key], now - last < Self.interval { return false }
            if reads.count >= Self.remembered { reads.removeAll(keepingCapacity: true) }
            reads[key] = now
            return true
        }
    }
}
