/// Why a key ring could not be read. Names entries by position or by a well-formed id,
/// never by their text: a misplaced key must not end up in a log.
public enum EncryptionKeyRingError: Error, Equatable, CustomStringConvertible {
    /// The text holds no key.
    case empty
    /// The entry (counted from 1) is not `id:BASE64`.
    case malformedEntry(position: Int)
    /// The entry's id is not 1 to 32 of `A-Z a-z 0-9 _ -`.
    case invalidKeyID(position: Int)
    /// The key named `id` is not base64.
    case invalidBase64(id: String)
    /// The key named `id` is not 32 bytes.
    case wrongKeyLength(id: String, byteCount: Int)
    /// Two keys have the same id.
    case duplicateKeyID(String)
    /// The key file could not be read.
    case unreadableFile(path: String)
    /// Both the keys and a key file were given.
    case conflictingSources

    public var description: String {
        switch self {
        case .empty: "the encryption key ring holds no key"
        case .malformedEntry(let position): "encryption key entry \(position) is not of the form id:BASE64"
        case .invalidKeyID(let position): "encryption key entry \(position) has an id that is not 1 to 32 of A-Z a-z 0-9 _ -"
        case .invalidBase64(let id): "encryption key \"\(id)\" is not base64"
        case .wrongKeyLength(let id, let count): "encryption key \"\(id)\" has \(count) bytes, not 32"
        case .duplicateKeyID(let id): "encryption key id \"\(id)\" appears twice"
        case .unreadableFile(let path): "cannot read the encryption key file \(path)"
        case .conflictingSources:
            "set either \(EncryptionKeyRing.keysVariable) or \(EncryptionKeyRing.keyFileVariable), not both"
        }
    }
}
