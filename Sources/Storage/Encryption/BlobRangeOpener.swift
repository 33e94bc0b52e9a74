import Crypto
import Foundation
public import NIOCore

/// Decrypts the segments that hold one plaintext range, fed their stored bytes (``storedRange``)
/// in chunks of any size, and hands out exactly the range's bytes.
///
/// A read that reaches the blob's end also checks the last segment, so that a blob cut
/// short is caught. A segment that fails its check throws ``BlobStoreError/integrity(_:)``
/// and none of its bytes are handed out.
public final class BlobRangeOpener: @unchecked Sendable {
    // Safe: one read owns it and feeds it one chunk at a time (a stream's unfolding closure).
    typealias Format = EncryptedBlobFormat

    /// The plaintext bytes handed out.
    public let range: Range<Int64>
    /// The stored bytes to feed, those of the segments holding ``range``.
    public let storedRange: Range<Int64>

    /// Where the next stored byte to feed lies.
    public private(set) var nextStoredOffset: Int64

    private let blob: EncryptedBlob
    private let lastIndex: Int64
    private var nextIndex: Int64
    private let endIndex: Int64
    private var pending = ByteBuffer()

    init(blob: EncryptedBlob, range: Range<Int64>) {
        self.blob = blob
        self.range = range
        let size = blob.plaintextSize, segment = Int64(Format.segmentSize)
        lastIndex = Format.segmentCount(plaintextSize: size) - 1
        nextIndex = range.lowerBound / segment
        endIndex =
            if range.upperBound == size { lastIndex + 1 } else if range.isEmpty { nextIndex } else { (range.upperBound - 1) / segment + 1 }
        let start = Format.storedOffset(ofSegment: nextIndex)
        nextStoredOffset = start
        guard endIndex > nextIndex else {
            storedRange = start..<start
            return
        }
        let last = endIndex - 1
        storedRange = start..<(Format.storedOffset(ofSegment: last) + Int64(Format.storedLength(ofSegment: last, plaintextSize: size)))
    }

    public var digest: BlobDigest { blob.digest }

    /// Whether every segment to read was read.
    public var isComplete: Bool { nextIndex == endIndex }

    /// The range's bytes in the segments `chunk` completes (possibly none).
    public func open(_ chunk: ByteBuffer) throws -> ByteBuffer {
        nextStoredOffset += Int64(chunk.readableBytes)
        if pending.readableBytes == 0 { pending = chunk } else { pending.writeImmutableBuffer(chunk) }
        var output = ByteBuffer()
        while nextIndex < endIndex, pending.readableBytes >= storedLength(ofSegment: nextIndex) {
            let segment = pending.readSlice(length: storedLength(ofSegment: nextIndex))!
            let plaintext = try decrypt(segment, index: nextIndex)
            let start = nextIndex * Int64(Format.segmentSize)
            let lower = Int(max(range.lowerBound, start) - start)
            let upper = Int(min(range.upperBound, start + Int64(plaintext.count)) - start)
            if lower < upper { plaintext.withUnsafeBytes { output.writeBytes(UnsafeRawBufferPointer(rebasing: $0[lower..<upper])) } }
            nextIndex += 1
        }
        // Bytes past the last segment to read: not what this opener asked for.
        guard nextIndex < endIndex || pending.readableBytes == 0 else { throw BlobStoreError.integrity(blob.digest) }
        if pending.readableBytes == 0 { pending = ByteBuffer() } else { pending.discardReadBytes() }
        return output
    }

    private func storedLength(ofSegment index: Int64) -> Int {
        Format.storedLength(ofSegment: index, plaintextSize: blob.plaintextSize)
    }

    private func decrypt(_ segment: ByteBuffer, index: Int64) throws -> Data {
        do {
            return try segment.withUnsafeReadableBytes { bytes in
                let split = bytes.count - Format.tagLength
                let sealed = try AES.GCM.SealedBox(
                    nonce: Format.nonce(ofSegment: index), ciphertext: UnsafeRawBufferPointer(rebasing: bytes[..<split]),
                    tag: UnsafeRawBufferPointer(rebasing: bytes[split...])
                )
                return try AES.GCM.open(
                    sealed, using: blob.dataKey.key,
                    authenticating: Format.authenticatedData(ofSegment: index, isLast: index == lastIndex, digest: blob.digest)
                )
            }
        } catch {
            throw BlobStoreError.integrity(blob.digest)
        }
    }
}
