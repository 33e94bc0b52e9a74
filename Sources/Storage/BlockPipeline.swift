import Crypto
import NIOCore

/// Hashes and writes a body's blocks on two threads at once, each in order: while block
/// N is hashed, block N is written and block N+1 arrives. At most ``depth`` blocks are in
/// flight, so memory stays bounded however fast the client sends.
final class BlockPipeline {
    static let depth = 4
    /// Start writeback every this many bytes, so the final fsync has little left.
    static let writebackInterval: Int64 = 8 << 20

    private let file: PosixFile
    private let hasher = SequentialHasher()
    private var inFlight: [(hashed: Task<Void, any Error>, written: Task<Void, any Error>)] = []
    private var lastHash: Task<Void, any Error>?
    private var lastWrite: Task<Void, any Error>?
    private var offset: Int64 = 0

    init(file: PosixFile) {
        self.file = file
    }

    deinit {
        for link in inFlight {
            link.hashed.cancel()
            link.written.cancel()
        }
    }

    /// Queues `block` (waiting first if ``depth`` blocks are still in flight).
    func submit(_ block: ByteBuffer) async throws {
        if inFlight.count >= Self.depth {
            let oldest = inFlight.removeFirst()
            try await oldest.hashed.value
            try await oldest.written.value
        }
        let hasher = hasher, file = file, start = offset
        let hashed = Self.chain(after: lastHash) { hasher.update(block) }
        let written = Self.chain(after: lastWrite) { try Self.write(block, to: file, at: start) }
        offset += Int64(block.readableBytes)
        lastHash = hashed
        lastWrite = written
        inFlight.append((hashed, written))
    }

    /// Runs `work` on the thread pool once `previous` has finished.
    private static func chain(after previous: Task<Void, any Error>?, _ work: @Sendable @escaping () throws -> Void) -> Task<Void, any Error> {
        Task {
            try await previous?.value
            try await PosixFile.offload(work)
        }
    }

    /// Appends `block` (which starts at `start`) and starts writing back each full interval.
    private static func write(_ block: ByteBuffer, to file: PosixFile, at start: Int64) throws {
        try file.writeAll(block)
        let end = start + Int64(block.readableBytes)
        if end / writebackInterval > start / writebackInterval {
            let boundary = end / writebackInterval * writebackInterval
            file.startWriteback(offset: boundary - writebackInterval, length: writebackInterval)
        }
    }

    /// Waits for every block; returns the digest of all of them.
    func finish() async throws -> BlobDigest {
        for link in inFlight {
            try await link.hashed.value
            try await link.written.value
        }
        inFlight = []
        return BlobDigest(bytes: hasher.finalize())!
    }
}

/// A SHA-256 fed by a chain of tasks, each waiting for the one before.
private final class SequentialHasher: @unchecked Sendable {
    // Safe: every update runs after the previous one finished (each link of the chain
    // awaits its predecessor), and finalize runs after the last.
    private var state = SHA256()

    func update(_ block: ByteBuffer) {
        block.withUnsafeReadableBytes { state.update(bufferPointer: $0) }
    }

    func finalize() -> [UInt8] { Array(state.finalize()) }
}
