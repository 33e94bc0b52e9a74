import Storage

/// Copies blobs from one store to another, a few at a time. The destination verifies every
/// blob's size and SHA-256 as it stores it; a blob it already holds (same size) is skipped,
/// so copying into the same backup folder again only adds what is new.
struct BlobCopy: Sendable {
    let source: any BlobStore
    let destination: any BlobStore
    /// Blobs in flight at once: enough to hide an object store's latency.
    var parallelCopies = 4

    struct Outcome: Sendable {
        var copied = 0
        var copiedBytes: Int64 = 0
        var alreadyPresent = 0
        /// Blobs the source does not have, by digest.
        var missing: [BlobDigest] = []
    }

    private enum Step: Sendable {
        case copied(Int64)
        case alreadyPresent
        case missing(BlobDigest)
    }

    func copy(_ blobs: [BlobInfo]) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Step.self) { group in
            var pending = blobs.makeIterator()
            for _ in 0..<parallelCopies {
                guard let blob = pending.next() else { break }
                group.addTask { try await copyOne(blob) }
            }
            var outcome = Outcome()
            while let step = try await group.next() {
                switch step {
                case .copied(let size):
                    outcome.copied += 1
                    outcome.copiedBytes += size
                case .alreadyPresent: outcome.alreadyPresent += 1
                case .missing(let digest): outcome.missing.append(digest)
                }
                if let blob = pending.next() { group.addTask { try await copyOne(blob) } }
            }
            outcome.missing.sort { $0.hex < $1.hex }
            return outcome
        }
    }

    private func copyOne(_ blob: BlobInfo) async throws -> Step {
        do {
            if let present = try await destination.head(blob.digest) {
                if present.size == blob.size { return .alreadyPresent }
                // A damaged copy: stores keep what they hold under a digest, so drop it first.
                try await destination.delete(blob.digest)
            }
            guard try await source.head(blob.digest) != nil else { return .missing(blob.digest) }
            let bytes = try await source.read(blob.digest, range: nil)
            _ = try await destination.put(blob.digest, size: blob.size, from: bytes) { _ in }
            return .copied(blob.size)
        } catch {
            throw BackupError.blobCopyFailed(blob.digest, reason: "\(error)")
        }
    }
}
