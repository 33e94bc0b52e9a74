import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Storage

extension S3BlobStore {
    /// Reads an encrypted blob: the whole object by one GET when `range` is nil; else its
    /// header first, then only the stored segments that hold `range` (a second ranged GET).
    func readDecrypting(_ digest: BlobDigest, range: Range<Int64>?, keyRing: EncryptionKeyRing) async throws -> BlobReadStream {
        let key = Self.key(of: digest)
        guard let range else {
            let response = try await client.send(.GET, key: key, deadline: .distantFuture)
            if response.status == .notFound { throw BlobStoreError.notFound(digest) }
            try await client.expect(response, [200], operation: "GetObject")
            guard let length = response.headers.first(name: "content-length").flatMap({ Int64($0) }) else {
                throw S3Error(operation: "GetObject", status: response.status.code, message: "the answer has no Content-Length")
            }
            let chunks = ChunkCursor(response.body.makeAsyncIterator(), expected: length)
            var header = ByteBuffer()
            while header.readableBytes < EncryptedBlobFormat.headerLength, let chunk = try await chunks.next() {
                header.writeImmutableBuffer(chunk)
            }
            let headerBytes = header.readBytes(length: min(header.readableBytes, EncryptedBlobFormat.headerLength))!
            let blob = try EncryptedBlob(header: headerBytes, digest: digest, storedSize: length, keyRing: keyRing)
            let segments = DecryptingCursor(try blob.makeRangeOpener(for: nil), chunks: chunks, first: header)
            return BlobReadStream { try await segments.next() }
        }

        let (header, storedSize) = try await readHeader(of: digest)
        let blob = try EncryptedBlob(header: header, digest: digest, storedSize: storedSize, keyRing: keyRing)
        let opener = try blob.makeRangeOpener(for: range)
        let stored = opener.storedRange
        guard !stored.isEmpty else { return BlobReadStream { nil } }
        let response = try await client.send(
            .GET, key: key, headers: [(name: "range", value: "bytes=\(stored.lowerBound)-\(stored.upperBound - 1)")],
            deadline: .distantFuture
        )
        if response.status == .notFound { throw BlobStoreError.notFound(digest) }
        try await client.expect(response, [206], operation: "GetObject")
        // Another object under the key since the header was read: its header is not this one.
        guard Self.completeLength(response.headers.first(name: "content-range")) == storedSize else {
            throw BlobStoreError.integrity(digest)
        }
        let segments = DecryptingCursor(
            opener, chunks: ChunkCursor(response.body.makeAsyncIterator(), expected: Int64(stored.count)), first: ByteBuffer()
        )
        return BlobReadStream { try await segments.next() }
    }

    /// The first stored bytes of a blob (fewer than a header only when the object is
    /// shorter) and the object's size, by one ranged GET.
    private func readHeader(of digest: BlobDigest) async throws -> (header: [UInt8], storedSize: Int64) {
        let length = EncryptedBlobFormat.headerLength
        let response = try await client.send(.GET, key: Self.key(of: digest), headers: [(name: "range", value: "bytes=0-\(length - 1)")])
        switch response.status {
        case .notFound: throw BlobStoreError.notFound(digest)
        // An empty object: no encrypted blob is.
        case .rangeNotSatisfiable: throw BlobStoreError.integrity(digest)
        case .partialContent: break
        default: throw await client.failure(response, operation: "GetObject")
        }
        guard let storedSize = Self.completeLength(response.headers.first(name: "content-range")) else {
            throw S3Error(operation: "GetObject", status: response.status.code, message: "a partial answer without Content-Range")
        }
        let header = try await response.body.collect(upTo: length)
        return (Array(buffer: header), storedSize)
    }
}

/// The plaintext of one read, decrypted from the stored chunks of a GET answer.
private final class DecryptingCursor: @unchecked Sendable {
    // Safe: an AsyncThrowingStream calls its unfolding closure for one element at a time.
    private let opener: BlobRangeOpener
    private let chunks: ChunkCursor
    /// Stored bytes that came with the header, fed first.
    private var first: ByteBuffer?

    init(_ opener: BlobRangeOpener, chunks: ChunkCursor, first: ByteBuffer) {
        self.opener = opener
        self.chunks = chunks
        self.first = first
    }

    func next() async throws -> ByteBuffer? {
        if let chunk = first {
            first = nil
            let plaintext = try opener.open(chunk)
            if plaintext.readableBytes > 0 { return plaintext }
        }
        while let chunk = try await chunks.next() {
            let plaintext = try opener.open(chunk)
            if plaintext.readableBytes > 0 { return plaintext }
        }
        guard opener.isComplete else { throw BlobStoreError.integrity(opener.digest) }
        return nil
    }
}
