import Crypto

/// The header of one encrypted blob (see ``EncryptedBlobFormat``) and the data key it carries.
struct EncryptedBlobHeader {
    typealias Format = EncryptedBlobFormat

    /// The ``EncryptedBlobFormat/headerLength`` stored bytes.
    let bytes: [UInt8]
    let dataKey: SymmetricKey

    /// A header for a new blob: a fresh random data key, sealed under `master`.
    init(sealingNewKeyFor digest: BlobDigest, under master: MasterKey) throws {
        let dataKey = SymmetricKey(size: .bits256)
        let id = Array(master.id.utf8)
        var bytes = Format.magic + [UInt8(id.count)] + id
        bytes += [UInt8](repeating: 0, count: EncryptionKeyRing.maximumIDLength - id.count)
        bytes += Format.bigEndianBytes(UInt32(Format.segmentSize))
        let sealed = try dataKey.withUnsafeBytes { key in
            try AES.GCM.seal(key, using: master.key, authenticating: bytes + digest.bytes)
        }
        bytes += sealed.nonce.withUnsafeBytes { Array($0) }
        bytes += Array(sealed.ciphertext)
        bytes += Array(sealed.tag)
        self.bytes = bytes
        self.dataKey = dataKey
    }

    /// Reads the first stored bytes of a blob and unwraps its data key.
    ///
    /// - Throws: ``BlobStoreError/integrity(_:)`` for a header that is not one, was
    ///   changed or belongs to another digest; ``BlobStoreError/unknownEncryptionKey(id:)``
    ///   when the ring does not hold its master key.
    init(opening stored: [UInt8], digest: BlobDigest, keyRing: EncryptionKeyRing) throws {
        let integrity = BlobStoreError.integrity(digest)
        guard stored.count >= Format.headerLength, stored.starts(with: Format.magic) else { throw integrity }
        let bytes = Array(stored.prefix(Format.headerLength))
        let idLength = Int(bytes[Format.keyIDOffset])
        let idField = bytes[(Format.keyIDOffset + 1)..<Format.segmentSizeOffset]
        guard (1...EncryptionKeyRing.maximumIDLength).contains(idLength), idField.dropFirst(idLength).allSatisfy({ $0 == 0 }),
            idField.prefix(idLength).allSatisfy(EncryptionKeyRing.isIDByte)
        else { throw integrity }
        guard bytes[Format.segmentSizeOffset..<Format.wrappedKeyOffset].elementsEqual(Format.bigEndianBytes(UInt32(Format.segmentSize)))
        else { throw integrity }
        let id = String(decoding: idField.prefix(idLength), as: UTF8.self)
        guard let master = keyRing.key(id: id) else { throw BlobStoreError.unknownEncryptionKey(id: id) }

        let nonceEnd = Format.wrappedKeyOffset + Format.nonceLength
        let keyEnd = nonceEnd + EncryptionKeyRing.keyByteCount
        do {
            let sealed = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: bytes[Format.wrappedKeyOffset..<nonceEnd]),
                ciphertext: bytes[nonceEnd..<keyEnd], tag: bytes[keyEnd..<Format.headerLength]
            )
            let key = try AES.GCM.open(sealed, using: master.key, authenticating: Array(bytes[..<Format.wrappedKeyOffset]) + digest.bytes)
            self.dataKey = SymmetricKey(data: key)
        } catch {
            throw integrity
        }
        self.bytes = bytes
    }
}
