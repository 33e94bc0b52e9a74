import Crypto
public import NIOCore

/// Where uploaded bytes live, named by their SHA-256 (content-addressed). The filesystem
/// implementation is ``FileSystemBlobStore``; an object store implements the same calls.
///
/// `put` is all or nothing: the bytes become visible under their digest only after the
/// whole body arrived, matched the declared size and digest, and was made durable. Any
/// failure, a body the caller's `inspect` refuses included, leaves nothing behind.
public protocol BlobStore: Sendable {
    /// Stores `body`, which must be exactly `size` bytes hashing to `digest`.
    ///
    /// - Parameter inspect: called with the body's first bytes (up to
    ///   ``BlobStoreLimits/inspectedPrefix``, or all of a shorter body) before anything is
    ///   kept; throwing from it refuses the body.
    /// - Throws: ``BlobStoreError`` for a body of the wrong size or digest, or the error
    ///   of `body` or `inspect`.
    func put<Body: AsyncSequence & Sendable>(
        _ digest: BlobDigest, size: Int64, from body: Body,
        inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> BlobInfo where Body.Element == ByteBuffer

    /// What is stored under `digest`, or nil.
    func head(_ digest: BlobDigest) async throws -> BlobInfo?

    /// The bytes of `range` (the whole blob when nil), in chunks.
    func read(_ digest: BlobDigest, range: Range<Int64>?) async throws -> BlobReadStream

    /// Removes the blob; removing a missing blob is not an error.
    func delete(_ digest: BlobDigest) async throws

    /// Every stored digest.
    func list() async throws -> [BlobDigest]

    /// A path the blob can be read from directly by this process, when the store keeps
    /// blobs as local plaintext files (decoders then read it in place); nil for remote or
    /// encrypted stores (callers then copy the blob out through `read`).
    func localPath(of digest: BlobDigest) -> String?

    /// The blob's plaintext file, opened, when the store keeps it as one on this machine,
    /// so a server can send it without copying its bytes through memory; nil otherwise (an
    /// encrypted, remote or missing blob), and callers then use ``read(_:range:)``.
    func openForSending(_ digest: BlobDigest) async throws -> OpenBlobFile?
}

extension BlobStore {
    public func localPath(of digest: BlobDigest) -> String? { nil }

    public func openForSending(_ digest: BlobDigest) async throws -> OpenBlobFile? { nil }

    /// Stores bytes already in memory (a preview), under their SHA-256.
    public func put(_ bytes: [UInt8]) async throws -> BlobInfo {
        let digest = BlobDigest(bytes: Array(SHA256.hash(data: bytes)))!
        let body = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish()
        }
        return try await put(digest, size: Int64(bytes.count), from: body) { _ in }
    }
}

/// A stored blob.
public struct BlobInfo: Sendable, Equatable {
    public let digest: BlobDigest
    public let size: Int64

    public init(digest: BlobDigest, size: Int64) {
        self.digest = digest
        self.size = size
    }
}

/// The bytes of a blob, read as they are consumed.
public typealias BlobReadStream = AsyncThrowingStream<ByteBuffer, any Error>

public enum BlobStoreLimits {
    /// How many leading bytes `put` hands to `inspect` (libmagic reads up to 1 MiB).
    public static let inspectedPrefix = 1 << 20
}
