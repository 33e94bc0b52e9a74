public import Storage
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension S3BlobStore {
    /// Streams the blob (GET, with `Range` for a part of it) as the reader consumes it; a
    /// range reaching past the blob is refused, as ``FileSystemBlobStore`` refuses it. An
    /// encrypted blob is read by ``readDecrypting(_:range:keyRing:)``.
    public func read(_ digest: BlobDigest, range: Range<Int64>?) async throws -> BlobReadStream {
        if let range, range.isEmpty || range.lowerBound < 0 {
            // No byte to ask for: only whether the blob is there and the range inside it.
            guard let info = try await head(digest) else { throw BlobStoreError.notFound(digest) }
            guard range.lowerBound >= 0, range.upperBound <= info.size else {
                throw BlobStoreError.rangeOutOfBounds(range, size: info.size)
            }
            return BlobReadStream { nil }
        }
        if let encryption { return try await readDecrypting(digest, range: range, keyRing: encryption) }
        let headers = range.map { [(name: "range", value: "bytes=\($0.lowerBound)-\($0.upperBound - 1)")] } ?? []
        let response = try await client.send(.GET, key: Self.key(of: digest), headers: headers, deadline: .distantFuture)
        switch response.status {
        case .notFound:
            throw BlobStoreError.notFound(digest)
        case .rangeNotSatisfiable:
            // `Content-Range: bytes */SIZE` names the size; else ask for it.
            var size = Self.completeLength(response.headers.first(name: "content-range"))
            if size == nil { size = try await head(digest)?.size }
            guard let size, let range else { throw await client.failure(response, operation: "GetObject") }
            throw BlobStoreError.rangeOutOfBounds(range, size: size)
        case .partialContent where range != nil, .ok where range == nil:
            break
        default:
            throw await client.failure(response, operation: "GetObject")
        }
        let expected: Int64
        if let range {
            guard let size = Self.completeLength(response.headers.first(name: "content-range")) else {
                throw S3Error(operation: "GetObject", status: response.status.code, message: "a partial answer without Content-Range")
            }
            guard range.upperBound <= size else { throw BlobStoreError.rangeOutOfBounds(range, size: size) }
            expected = range.upperBound - range.lowerBound
        } else {
            guard let length = response.headers.first(name: "content-length").flatMap({ Int64($0) }) else {
                throw S3Error(operation: "GetObject", status: response.status.code, message: "the answer has no Content-Length")
            }
            expected = length
        }
        let chunks = ChunkCursor(response.body.makeAsyncIterator(), expected: expected)
        return BlobReadStream { try await chunks.next() }
    }

    /// The total length in `Content-Range: bytes 0-9/SIZE` or `bytes */SIZE`.
    static func completeLength(_ header: String?) -> Int64? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int64(header[header.index(after: slash)...].trimmingPrefix(" "))
    }
}

/// The chunks of one GET answer, counted: an answer that ends early is an error, not a
/// short blob.
final class ChunkCursor: @unchecked Sendable {
    // Safe: an AsyncThrowingStream calls its unfolding closure for one element at a time.
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var remaining: Int64

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator, expected: Int64) {
        self.iterator = iterator
        self.remaining = expected
    }

    func next() async throws -> ByteBuffer? {
        guard let chunk = try await iterator.next() else {
            guard remaining == 0 else {
                throw BlobStoreError.io(operation: "S3 GetObject (the answer ended \(remaining) bytes early)", errno: 0)
            }
            return nil
        }
        remaining -= Int64(chunk.readableBytes)
        guard remaining >= 0 else { throw BlobStoreError.io(operation: "S3 GetObject (the answer is longer than asked)", errno: 0) }
        return chunk
    }
}
