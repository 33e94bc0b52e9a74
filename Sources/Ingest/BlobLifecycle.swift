public import Foundation
public import Logging
public import Storage

/// Moves originals from the hot tier to the cold one: those not read for ``idleDays``
/// days, then, while the hot tier holds more than ``hotCapacity`` bytes, the least
/// recently read others. Previews, and originals some preview or unfinished file uses,
/// stay hot. Each blob is copied before it leaves hot, so a run may stop anywhere; two
/// runs at once (two nodes) only repeat each other's work.
public struct BlobLifecycle: Sendable {
    /// What the lifecycle moves.
    public struct Policy: Sendable, Equatable {
        /// Originals unused for this many days move; 0 moves every original.
        public var idleDays: Int
        /// The hot tier's bound in bytes, if any.
        public var hotCapacity: Int64?

        public init(idleDays: Int = 30, hotCapacity: Int64? = nil) {
            self.idleDays = idleDays
            self.hotCapacity = hotCapacity
        }
    }

    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// The blobs moved to the cold tier, and their bytes.
        public var demoted = 0
        public var demotedBytes: Int64 = 0
        /// Blobs that failed to move (logged; tried again on the next run).
        public var failed = 0
    }

    let files: FileStore
    let blobs: TieredBlobStore
    let policy: Policy
    let logger: Logger
    /// How many candidates are read per query.
    let batchSize: Int

    public init(files: FileStore, blobs: TieredBlobStore, policy: Policy, logger: Logger, batchSize: Int = 100) {
        self.files = files
        self.blobs = blobs
        self.policy = policy
        self.logger = logger
        self.batchSize = batchSize
    }

    /// Moves every blob the policy names, batch by batch, until none is left.
    public func run(now: Date = Date()) async throws -> Report {
        try await files.forgetDeletedColdBlobs()
        let cutoff = now.addingTimeInterval(-Double(policy.idleDays) * 86_400)
        var report = Report()
        var failed: [BlobDigest] = []
        while true {
            let batch = try await files.demotionCandidates(
                idleBefore: cutoff, hotCapacity: policy.hotCapacity, excluding: failed, limit: batchSize
            )
            if batch.isEmpty { break }
            for candidate in batch {
                try Task.checkCancellation()
                do {
                    let demotion = try await blobs.demote(candidate.digest)
                    try await files.recordDemotion(candidate.digest, size: candidate.size)
                    if case .moved(let info) = demotion {
                        report.demoted += 1
                        report.demotedBytes += info.size
                    }
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    failed.append(candidate.digest)
                    report.failed += 1
                    logger.error(
                        "could not move a blob to the cold tier",
                        metadata: ["sha256": "\(candidate.digest.hex)", "error": "\(String(reflecting: error))"]
                    )
                }
            }
        }
        if report.demoted > 0 || report.failed > 0 {
            logger.info(
                "blob lifecycle run", metadata: ["demoted": "\(report.demoted)", "bytes": "\(report.demotedBytes)", "failed": "\(report.failed)"]
            )
        }
        return report
    }
}
