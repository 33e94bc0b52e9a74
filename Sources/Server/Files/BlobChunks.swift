import NIOCore
import Storage

/// A blob read's chunks, pulled by one reader at a time (the stream or response writer
/// that wraps it), so a wrapper needs neither a task nor a buffer of its own.
final class BlobChunks: @unchecked Sendable {
    private var iterator: BlobReadStream.AsyncIterator

    init(_ stream: BlobReadStream) { iterator = stream.makeAsyncIterator() }

    func next() async throws -> ByteBuffer? { try await iterator.next() }
}
