import NIOCore

/// Blobs as files under one directory: `blobs/ab/cd/abcd…` (the digest's first two bytes
/// spread the files over 65,536 folders), written through `staging/` on the same
/// filesystem so that a blob appears whole, by one rename, or not at all. With an
/// encryption key ring, each file holds the blob encrypted (``EncryptedBlobFormat``).
public struct FileSystemBlobStore: BlobStore {
    public let root: String
    /// The keys blobs are encrypted under; nil stores them as they are.
    public let encryption: EncryptionKeyRing?
    let allocator = ByteBufferAllocator()

    /// Bytes gathered before each write: few system calls, little memory per upload.
    static let writeSize = 1 << 20
    /// A body chunk at least this large is hashed and written as it came, not gathered first.
    static let largeChunkSize = writeSize / 4
    /// Bytes per chunk when reading: few trips to the thread pool for a large range.
    static let readSize = 1 << 20

    /// - Parameters:
    ///   - root: the store's directory, created (with its `staging/` and `blobs/`) if missing.
    ///   - removingLeftovers: whether to remove what a crash left in `staging/`; only the
    ///     process that owns the store (the server) does, never a worker beside it.
    ///   - encryption: the keys to encrypt blobs under; nil stores them as they are.
    public init(root: String, removingLeftovers: Bool = true, encryption: EncryptionKeyRing? = nil) throws {
        self.root = root
        self.encryption = encryption
        for directory in [root, root + "/staging", root + "/blobs"] { try PosixPath.makeDirectory(directory) }
        guard removingLeftovers else { return }
        for leftover in try PosixPath.entries(of: root + "/staging") { try PosixPath.remove(root + "/staging/" + leftover) }
    }

    /// The blob's file, or nil when blobs are encrypted (its bytes are then only had through ``read(_:range:)``).
    public func localPath(of digest: BlobDigest) -> String? { encryption == nil ? path(of: digest) : nil }

    /// The blob's file, opened and sized in one trip to the thread pool; nil when blobs are
    /// encrypted or the blob is missing.
    public func openForSending(_ digest: BlobDigest) async throws -> OpenBlobFile? {
        guard encryption == nil else { return nil }
        let path = path(of: digest)
        return try await PosixFile.offload {
            guard let file = try PosixFile.openForReading(path) else { return nil }
            return OpenBlobFile(file: file, size: try file.size())
        }
    }

    /// Where the blob `digest` lives (whether or not it is stored).
    public func path(of digest: BlobDigest) -> String {
        let hex = digest.hex
        let utf8 = Array(hex.utf8)
        let first = String(decoding: utf8[0..<2], as: UTF8.self)
        let second = String(decoding: utf8[2..<4], as: UTF8.self)
        return "\(root)/blobs/\(first)/\(second)/\(hex)"
    }

    public func head(_ digest: BlobDigest) async throws -> BlobInfo? {
        let path = path(of: digest)
        guard let size = try await PosixFile.offload({ try PosixPath.size(of: path) }) else { return nil }
        guard encryption != nil else { return BlobInfo(digest: digest, size: size) }
        guard let plaintextSize = EncryptedBlobFormat.plaintextSize(storedSize: size) else { throw BlobStoreError.integrity(digest) }
        return BlobInfo(digest: digest, size: plaintextSize)
    }

    public func read(_ digest: BlobDigest, range: Range<Int64>?) async throws -> BlobReadStream {
        if let encryption { return try await readDecrypting(digest, range: range, keyRing: encryption) }
        let path = path(of: digest)
        let allocator = allocator
        // Open, size, check the range and read the first chunk in one trip to the thread
        // pool: a small file (a thumbnail) is then served with no other.
        let (file, wanted, first) = try await PosixFile.offload { () throws -> (PosixFile, Range<Int64>, ByteBuffer) in
            guard let file = try PosixFile.openForReading(path), let size = try PosixPath.size(of: path) else { throw BlobStoreError.notFound(digest) }
            let wanted = range ?? 0..<size
            guard wanted.lowerBound >= 0, wanted.upperBound <= size else { throw BlobStoreError.rangeOutOfBounds(wanted, size: size) }
            let count = Int(min(Int64(Self.readSize), wanted.upperBound - wanted.lowerBound))
            return (file, wanted, try file.read(count: count, at: wanted.lowerBound, allocator: allocator))
        }
        guard first.readableBytes == Int(min(Int64(Self.readSize), wanted.upperBound - wanted.lowerBound)) else {
            throw BlobStoreError.io(operation: "read (the blob shrank)", errno: 0)
        }
        let next = NextOffset(wanted.lowerBound)
        let pending = PendingChunk(first)
        return BlobReadStream {
            if let chunk = pending.take() {
                next.value += Int64(chunk.readableBytes)
                return chunk.readableBytes > 0 ? chunk : nil
            }
            let offset = next.value
            guard offset < wanted.upperBound else { return nil }
            let count = Int(min(Int64(Self.readSize), wanted.upperBound - offset))
            let chunk = try await PosixFile.offload { try file.read(count: count, at: offset, allocator: allocator) }
            guard chunk.readableBytes == count else { throw BlobStoreError.io(operation: "read (the blob shrank)", errno: 0) }
            next.value = offset + Int64(count)
            return chunk
        }
    }

    public func delete(_ digest: BlobDigest) async throws {
        let path = path(of: digest)
        try await PosixFile.offload { try PosixPath.remove(path) }
    }

    public func list() async throws -> [BlobDigest] {
        let blobs = root + "/blobs"
        return try await PosixFile.offload {
            var digests: [BlobDigest] = []
            for first in try PosixPath.entries(of: blobs) {
                for second in try PosixPath.entries(of: "\(blobs)/\(first)") {
                    for name in try PosixPath.entries(of: "\(blobs)/\(first)/\(second)") {
                        if let digest = BlobDigest(hex: name) { digests.append(digest) }
                    }
                }
            }
            return digests
        }
    }
}

/// The chunk read with the open, handed out first.
final class PendingChunk: @unchecked Sendable {
    // Safe: as NextOffset, used by one stream's unfolding closure, one element at a time.
    private var chunk: ByteBuffer?
    init(_ chunk: ByteBuffer) { self.chunk = chunk }

    func take() -> ByteBuffer? {
        defer { chunk = nil }
        return chunk
    }
}

/// The read position of one stream; its chunks are asked for one after another.
private final class NextOffset: @unchecked Sendable {
    // Safe: an AsyncThrowingStream calls its unfolding closure for one element at a time.
    var value: Int64
    init(_ value: Int64) { self.value = value }
}
