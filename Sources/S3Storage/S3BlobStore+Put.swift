public import Storage
import Crypto
public import NIOCore
import NIOHTTP1

extension S3BlobStore {
    /// Receives the body part by part, hashing it as it arrives and refusing it at the
    /// first byte past `size`. A body of one part is sent by one PUT once it matched; a
    /// longer one as a multipart upload completed only once the whole body matched. Nothing
    /// is sent before `inspect` accepted the first bytes (a part holds more than them). With
    /// encryption, each part is sealed as it is sent (``BlobSealer``).
    public func put<Body: AsyncSequence & Sendable>(
        _ digest: BlobDigest, size: Int64, from body: Body,
        inspect: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> BlobInfo where Body.Element == ByteBuffer {
        guard size >= 0 else { throw BlobStoreError.tooShort(declared: size, received: 0) }
        let key = Self.key(of: digest)
        let partLength = encryption == nil ? partSize(for: size) : Self.wholeSegments(partSize(for: size))
        var sealer = try encryption.map { try BlobSealer(digest: digest, keyRing: $0) }
        var upload: S3MultipartUpload?
        do {
            var hasher = SHA256()
            var received: Int64 = 0
            var isInspected = false
            var part = ByteBuffer()
            part.reserveCapacity(Int(min(size, Int64(partLength))))

            for try await chunk in body {
                received += Int64(chunk.readableBytes)
                guard received <= size else { throw BlobStoreError.tooLong(declared: size) }
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                var rest = chunk
                while rest.readableBytes > 0 {
                    part.writeImmutableBuffer(rest.readSlice(length: min(rest.readableBytes, partLength - part.readableBytes))!)
                    if !isInspected && part.readableBytes >= BlobStoreLimits.inspectedPrefix {
                        isInspected = true
                        try await inspect(part.getSlice(at: part.readerIndex, length: BlobStoreLimits.inspectedPrefix)!)
                    }
                    // A full part with more to come: nothing shows before the upload completes.
                    if part.readableBytes == partLength && received < size {
                        if upload == nil { upload = try await S3MultipartUpload.begin(key, client: client) }
                        try await upload!.send(try sealer?.seal(part) ?? part)
                        part = ByteBuffer()
                        part.reserveCapacity(Int(min(size - received + Int64(rest.readableBytes), Int64(partLength))))
                    }
                }
            }
            guard received == size else { throw BlobStoreError.tooShort(declared: size, received: received) }
            let actual = BlobDigest(bytes: Array(hasher.finalize()))!
            guard actual == digest else { throw BlobStoreError.digestMismatch(declared: digest, actual: actual) }
            if !isInspected { try await inspect(part) }
            if sealer != nil {
                var sealed = try sealer!.seal(part)
                var last = try sealer!.finish()
                sealed.writeBuffer(&last)
                part = sealed
            }

            guard var started = upload else {
                try await putWhole(part, key: key, payloadHash: sealer == nil ? digest.hex : nil)
                return BlobInfo(digest: digest, size: size)
            }
            try await started.send(part)
            upload = started
            // Equal bytes already stored: keep those, drop the upload.
            if !(try await started.complete()) { try await started.abort() }
            return BlobInfo(digest: digest, size: size)
        } catch {
            if let upload { await Self.abortIgnoringCancellation(upload) }
            throw error
        }
    }

    /// The part size for a blob of `size`: the store's, or larger to stay within 10,000 parts.
    func partSize(for size: Int64) -> Int {
        let needed = (size + Self.maximumPartCount - 1) / Self.maximumPartCount
        let mebibyte: Int64 = 1 << 20
        return max(partSize, Int((needed + mebibyte - 1) / mebibyte * mebibyte))
    }

    /// `length` rounded up to whole segments, so that every part but the last seals to
    /// whole segments, no shorter than the plaintext it holds.
    static func wholeSegments(_ length: Int) -> Int {
        let segment = EncryptedBlobFormat.segmentSize
        return (length + segment - 1) / segment * segment
    }

    /// One PUT of a whole checked body, signed with the hash of its bytes (AWS then checks
    /// the bytes it received; SeaweedFS 4.48 does not): the blob's digest for a plain one,
    /// computed from the bytes when nil. An object already under the key is kept
    /// (`If-None-Match: *`).
    private func putWhole(_ bytes: ByteBuffer, key: String, payloadHash: String?) async throws {
        let response = try await client.send(
            .PUT, key: key, headers: [(name: "if-none-match", value: "*")], body: bytes, payloadHash: payloadHash
        )
        try await client.expect(response, [200, 412], operation: "PutObject")
    }

    /// Aborts `upload` even when the put was cancelled: its parts must not stay behind.
    private static func abortIgnoringCancellation(_ upload: S3MultipartUpload) async {
        await Task.detached { try? await upload.abort() }.value
    }
}
