import NIOCore

extension FileSystemBlobStore {
    /// Stored bytes read per trip to the thread pool: 16 whole segments, about 1 MiB.
    static let encryptedReadSize = 16 * EncryptedBlobFormat.storedSegmentSize

    /// Reads only the stored segments that hold `range` and hands out exactly its bytes,
    /// each chunk read and decrypted on the thread pool. The header is read and checked,
    /// and the first chunk read, in the trip that opens the file.
    func readDecrypting(_ digest: BlobDigest, range: Range<Int64>?, keyRing: EncryptionKeyRing) async throws -> BlobReadStream {
        let path = path(of: digest)
        let allocator = allocator
        let (file, opener, first) = try await PosixFile.offload { () throws -> (PosixFile, BlobRangeOpener, ByteBuffer) in
            guard let file = try PosixFile.openForReading(path) else { throw BlobStoreError.notFound(digest) }
            let header = try file.read(count: EncryptedBlobFormat.headerLength, at: 0, allocator: allocator)
            let blob = try EncryptedBlob(header: Array(buffer: header), digest: digest, storedSize: try file.size(), keyRing: keyRing)
            let opener = try blob.makeRangeOpener(for: range)
            return (file, opener, try Self.openChunk(of: opener, from: file, allocator: allocator))
        }
        let pending = PendingChunk(first)
        return BlobReadStream {
            if let chunk = pending.take(), chunk.readableBytes > 0 { return chunk }
            while !opener.isComplete {
                let chunk = try await PosixFile.offload { try Self.openChunk(of: opener, from: file, allocator: allocator) }
                if chunk.readableBytes > 0 { return chunk }
            }
            return nil
        }
    }

    /// Reads the next stored segments `opener` needs (up to ``encryptedReadSize`` bytes)
    /// and returns what they hold of its range.
    private static func openChunk(of opener: BlobRangeOpener, from file: PosixFile, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let offset = opener.nextStoredOffset
        let count = Int(min(Int64(encryptedReadSize), opener.storedRange.upperBound - offset))
        let chunk = try file.read(count: count, at: offset, allocator: allocator)
        guard chunk.readableBytes == count else { throw BlobStoreError.integrity(opener.digest) }
        return try opener.open(chunk)
    }
}
