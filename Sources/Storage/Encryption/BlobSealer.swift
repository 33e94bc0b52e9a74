import Crypto
import Foundation
public import NIOCore

/// Encrypts one blob as its plaintext arrives: plaintext chunks in, stored bytes out (the
/// header first, each segment once full), the last segment at ``finish()``. The stored
/// bytes are ``EncryptedBlobFormat/storedSize(plaintextSize:)`` long in all.
public struct BlobSealer {
    typealias Format = EncryptedBlobFormat

    private let digest: BlobDigest
    private let header: EncryptedBlobHeader
    /// The plaintext of the segment being gathered (shorter than a segment).
    private var pending = ByteBuffer()
    private var nextIndex: Int64 = 0
    private var isHeaderWritten = false

    /// Starts a blob that will hash to `digest` (which each segment authenticates: the
    /// caller checks the plaintext's digest before keeping what was sealed), under a fresh
    /// data key wrapped by the ring's active key.
    public init(digest: BlobDigest, keyRing: EncryptionKeyRing) throws {
        self.digest = digest
        self.header = try EncryptedBlobHeader(sealingNewKeyFor: digest, under: keyRing.activeKey)
    }

    /// The stored bytes of every segment `plaintext` completes (the header before the first).
    public mutating func seal(_ plaintext: ByteBuffer) throws -> ByteBuffer {
        var input = plaintext
        var output = startOutput(capacity: input.readableBytes)
        while input.readableBytes > 0 {
            if pending.readableBytes == 0 && input.readableBytes >= Format.segmentSize {
                try sealSegment(input.readSlice(length: Format.segmentSize)!, isLast: false, into: &output)
                continue
            }
            pending.writeImmutableBuffer(input.readSlice(length: min(input.readableBytes, Format.segmentSize - pending.readableBytes))!)
            if pending.readableBytes == Format.segmentSize {
                try sealSegment(pending, isLast: false, into: &output)
                pending.clear()
            }
        }
        return output
    }

    /// The stored bytes of the last segment (shorter than the others, possibly empty).
    public mutating func finish() throws -> ByteBuffer {
        var output = startOutput(capacity: pending.readableBytes)
        try sealSegment(pending, isLast: true, into: &output)
        pending.clear()
        return output
    }

    /// A buffer for the output of `count` plaintext bytes, holding the header if not yet written.
    private mutating func startOutput(capacity count: Int) -> ByteBuffer {
        var output = ByteBuffer()
        let headerLength = isHeaderWritten ? 0 : Format.headerLength
        output.reserveCapacity(headerLength + count + (count / Format.segmentSize + 1) * Format.tagLength)
        if !isHeaderWritten {
            output.writeBytes(header.bytes)
            isHeaderWritten = true
        }
        return output
    }

    private mutating func sealSegment(_ segment: ByteBuffer, isLast: Bool, into output: inout ByteBuffer) throws {
        let sealed = try segment.withUnsafeReadableBytes { bytes in
            try AES.GCM.seal(
                bytes, using: header.dataKey, nonce: Format.nonce(ofSegment: nextIndex),
                authenticating: Format.authenticatedData(ofSegment: nextIndex, isLast: isLast, digest: digest)
            )
        }
        sealed.ciphertext.withUnsafeBytes { output.writeBytes($0) }
        sealed.tag.withUnsafeBytes { output.writeBytes($0) }
        nextIndex += 1
    }
}
