import Crypto

/// The layout of an encrypted blob: a fixed header, then AES-GCM segments.
///
/// Header (``headerLength`` bytes): magic `GREYENC` and version 1; the master key's id
/// (length, then 32 bytes, zero-padded); the segment size (UInt32, big-endian); the
/// blob's random 256-bit data key sealed with AES-GCM under the master key (random nonce,
/// key, tag), authenticating the header before it and the blob's digest.
///
/// Segments: the plaintext cut into ``segmentSize`` pieces and a last, shorter (possibly
/// empty) one, so there is always at least one; each is sealed under the data key with
/// the segment's index as nonce and authenticates the digest, the index and whether it is
/// the last, so that a segment moved, swapped or cut off fails its check. The plaintext
/// size follows from the stored size (``plaintextSize(storedSize:)``).
public enum EncryptedBlobFormat {
    public static let magic: [UInt8] = Array("GREYENC".utf8) + [1]
    /// Plaintext bytes per segment but the last.
    public static let segmentSize = 64 << 10
    static let tagLength = 16
    static let nonceLength = 12
    /// Stored bytes per segment but the last.
    static let storedSegmentSize = segmentSize + tagLength

    static let keyIDOffset = magic.count
    static let segmentSizeOffset = keyIDOffset + 1 + EncryptionKeyRing.maximumIDLength
    /// Where the sealed data key starts; the bytes before it are authenticated with it.
    static let wrappedKeyOffset = segmentSizeOffset + 4
    public static let headerLength = wrappedKeyOffset + nonceLength + EncryptionKeyRing.keyByteCount + tagLength

    /// How many segments a plaintext of `size` bytes is cut into.
    static func segmentCount(plaintextSize size: Int64) -> Int64 { size / Int64(segmentSize) + 1 }

    /// The stored size of a blob of `size` plaintext bytes.
    public static func storedSize(plaintextSize size: Int64) -> Int64 {
        Int64(headerLength) + size + Int64(tagLength) * segmentCount(plaintextSize: size)
    }

    /// The plaintext size of a blob of `size` stored bytes, or nil when no blob has that size.
    public static func plaintextSize(storedSize size: Int64) -> Int64? {
        let body = size - Int64(headerLength)
        guard body >= Int64(tagLength) else { return nil }
        let (full, rest) = body.quotientAndRemainder(dividingBy: Int64(storedSegmentSize))
        guard rest >= Int64(tagLength) else { return nil }
        return full * Int64(segmentSize) + rest - Int64(tagLength)
    }

    /// Where segment `index` starts in the stored bytes.
    static func storedOffset(ofSegment index: Int64) -> Int64 { Int64(headerLength) + index * Int64(storedSegmentSize) }

    /// The stored bytes of segment `index` of a blob of `size` plaintext bytes.
    static func storedLength(ofSegment index: Int64, plaintextSize size: Int64) -> Int {
        let isLast = index == size / Int64(segmentSize)
        return (isLast ? Int(size % Int64(segmentSize)) : segmentSize) + tagLength
    }

    /// The nonce of segment `index`: the index, big-endian, in 12 bytes (each blob has its own key).
    static func nonce(ofSegment index: Int64) -> AES.GCM.Nonce {
        try! AES.GCM.Nonce(data: [0, 0, 0, 0] + bigEndianBytes(UInt64(index)))
    }

    /// What segment `index` authenticates besides its bytes.
    static func authenticatedData(ofSegment index: Int64, isLast: Bool, digest: BlobDigest) -> [UInt8] {
        digest.bytes + bigEndianBytes(UInt64(index)) + [isLast ? 1 : 0]
    }

    static func bigEndianBytes<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
        (0..<Integer.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
