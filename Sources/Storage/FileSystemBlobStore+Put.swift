public import NIOCore

extension FileSystemBlobStore {
    public func put<Body: AsyncSequence & Sendable>(
        _ digest: BlobDigest, size: Int64, from body: Body,
        inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> BlobInfo where Body.Element == ByteBuffer {
        let staging = "\(root)/staging/\(stagingName())"
        let file = try await PosixFile.offload { try PosixFile.createExclusive(staging, direct: true) }
        do {
            try await receive(body, into: file, size: size, digest: digest, inspect: inspect)
            try await PosixFile.offload { try file.sync() }
            let final = path(of: digest)
            try await PosixFile.offload {
                let folder = final.prefix(upTo: final.lastIndex(of: "/")!)
                let parent = folder.prefix(upTo: folder.lastIndex(of: "/")!)
                try PosixPath.makeDirectory(String(parent))
                try PosixPath.makeDirectory(String(folder))
                // Equal bytes already stored: keep those, drop the copy.
                if try PosixPath.renameUnlessTaken(staging, to: final) {
                    try PosixPath.syncDirectory(String(folder))
                } else {
                    try PosixPath.remove(staging)
                }
            }
            return BlobInfo(digest: digest, size: size)
        } catch {
            try? await PosixFile.offload { try PosixPath.remove(staging) }
            throw error
        }
    }

    /// Streams `body` into `file`, refusing it at the first byte past `size`; the blocks
    /// are hashed and written on other threads while the next ones arrive.
    private func receive<Body: AsyncSequence & Sendable>(
        _ body: Body, into file: PosixFile, size: Int64, digest: BlobDigest,
        inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws where Body.Element == ByteBuffer {
        // Sealing adds a header and a tag per segment: the stored size is larger than `size`.
        let storedSize = encryption == nil ? size : EncryptedBlobFormat.storedSize(plaintextSize: size)
        let pipeline = BlockPipeline(file: file, size: storedSize, sealer: try encryption.map { try BlobSealer(digest: digest, keyRing: $0) })
        var received: Int64 = 0
        let prefixLength = Int(min(size, Int64(BlobStoreLimits.inspectedPrefix)))
        var prefix: ByteBuffer? = allocator.buffer(capacity: prefixLength)
        // Small chunks are gathered into blocks of `writeSize`; a large one goes on as it is (no copy).
        var pending = ByteBuffer()

        for try await chunk in body {
            received += Int64(chunk.readableBytes)
            guard received <= size else { throw BlobStoreError.tooLong(declared: size) }
            if var head = prefix {
                head.writeImmutableBuffer(chunk.getSlice(at: chunk.readerIndex, length: min(chunk.readableBytes, prefixLength - head.readableBytes))!)
                prefix = head
                if head.readableBytes == BlobStoreLimits.inspectedPrefix {
                    prefix = nil
                    try await inspect(head)
                }
            }
            if chunk.readableBytes >= Self.largeChunkSize {
                if pending.readableBytes > 0 { try await pipeline.submit(pending) }
                pending = ByteBuffer()
                try await pipeline.submit(chunk)
                continue
            }
            if pending.capacity == 0 { pending = allocator.buffer(capacity: Self.writeSize) }
            pending.writeImmutableBuffer(chunk)
            if pending.readableBytes >= Self.writeSize {
                try await pipeline.submit(pending)
                pending = ByteBuffer()
            }
        }
        guard received == size else { throw BlobStoreError.tooShort(declared: size, received: received) }
        if pending.readableBytes > 0 { try await pipeline.submit(pending) }
        let actual = try await pipeline.finish()
        guard actual == digest else { throw BlobStoreError.digestMismatch(declared: digest, actual: actual) }
        if let head = prefix { try await inspect(head) }
    }

    /// A staging file name no other upload can pick.
    private func stagingName() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }
}
