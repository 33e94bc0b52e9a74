import Foundation
public import NIOCore

/// A stored blob's plaintext file, open for reading in place (to send it with
/// `sendfile(2)`, say). The descriptor stays open as long as this object lives and is
/// closed when it is released, so a sender keeps it until its last byte is out.
public final class OpenBlobFile: Sendable {
    private let file: PosixFile
    /// The file's size when it was opened; a blob never changes once stored.
    public let size: Int64

    init(file: PosixFile, size: Int64) {
        self.file = file
        self.size = size
    }

    /// The open descriptor, valid while this object lives. Never close it.
    public var descriptor: Int32 { file.descriptor }

    /// All the file's bytes, read in place (a blocking read: for small files whose bytes
    /// are in the page cache, as a `sendfile(2)` of them would be).
    public func readAll() throws -> ByteBuffer {
        let bytes = try file.read(count: Int(size), at: 0, allocator: ByteBufferAllocator())
        guard bytes.readableBytes == Int(size) else { throw BlobStoreError.io(operation: "pread", errno: EIO) }
        return bytes
    }
}
