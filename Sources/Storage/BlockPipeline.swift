import Crypto
import NIOCore

/// Hashes and writes a body's blocks on two threads at once, each in order: while block
/// N is hashed, block N is written (sealed first, for an encrypted blob) and block N+1
/// arrives. At most ``depth`` blocks are in flight, so memory stays bounded however fast
/// the client sends.
final class BlockPipeline {
    static let depth = 4

    private let writer: SequentialWriter
    private let hasher = SequentialHasher()
    private var inFlight: [(hashed: Task<Void, any Error>, written: Task<Void, any Error>)] = []
    private var lastHash: Task<Void, any Error>?
    private var lastWrite: Task<Void, any Error>?

    /// - Parameters:
    ///   - size: the bytes the file will hold, when known.
    ///   - sealer: encrypts the blocks before they are written; nil writes them as they are.
    init(file: PosixFile, size: Int64?, sealer: BlobSealer? = nil) {
        self.writer = SequentialWriter(file: file, size: size, sealer: sealer)
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
        let hasher = hasher, writer = writer
        let hashed = Self.chain(after: lastHash) { hasher.update(block) }
        let written = Self.chain(after: lastWrite) { try writer.write(block) }
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

    /// Waits for every block, then writes what is left (an encrypted blob's last segment,
    /// the file's last partial block); returns the digest of all of them.
    func finish() async throws -> BlobDigest {
        for link in inFlight {
            try await link.hashed.value
            try await link.written.value
        }
        inFlight = []
        let writer = writer
        try await PosixFile.offload { try writer.finish() }
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

/// Writes a chain of blocks to one file (past the page cache where it can, see
/// ``DirectAppender``), each after the one before, sealing them first when a sealer is given.
private final class SequentialWriter: @unchecked Sendable {
    // Safe: as SequentialHasher, every write runs after the previous one finished, and
    // finish runs after the last.
    private let appender: DirectAppender
    private var sealer: BlobSealer?

    init(file: PosixFile, size: Int64?, sealer: BlobSealer?) {
        self.appender = DirectAppender(file: file, expectedSize: size)
        self.sealer = sealer
    }

    func write(_ block: ByteBuffer) throws {
        try appender.append(sealer?.seal(block) ?? block)
    }

    /// Writes the sealer's last segment, if any, and the file's last partial block.
    func finish() throws {
        if let last = try sealer?.finish() { try appender.append(last) }
        try appender.finish()
    }
}
