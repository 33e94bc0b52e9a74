import Crypto
import Foundation

extension EncryptionKeyRing {
    /// The environment variable holding the keys as text.
    public static let keysVariable = "GREY_ENCRYPTION_KEYS"
    /// The environment variable naming a file that holds the keys as text.
    public static let keyFileVariable = "GREY_ENCRYPTION_KEY_FILE"

    /// Parses `id:BASE64,id2:BASE64` (the active key first; blanks around entries ignored).
    ///
    /// - Throws: ``EncryptionKeyRingError`` for a malformed entry, id or key, or a repeated id.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw EncryptionKeyRingError.empty }
        var keys: [MasterKey] = []
        for (index, entry) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw EncryptionKeyRingError.malformedEntry(position: index + 1) }
            let id = parts[0].trimmingCharacters(in: .whitespaces)
            guard Self.isValidID(id) else { throw EncryptionKeyRingError.invalidKeyID(position: index + 1) }
            guard !keys.contains(where: { $0.id == id }) else { throw EncryptionKeyRingError.duplicateKeyID(id) }
            guard let bytes = Data(base64Encoded: parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw EncryptionKeyRingError.invalidBase64(id: id)
            }
            guard bytes.count == Self.keyByteCount else { throw EncryptionKeyRingError.wrongKeyLength(id: id, byteCount: bytes.count) }
            keys.append(MasterKey(id: id, key: SymmetricKey(data: bytes)))
        }
        self.init(keys: keys)
    }

    /// Reads the keys from a file holding the same text as ``init(parsing:)`` takes.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw EncryptionKeyRingError.unreadableFile(path: path) }
        try self.init(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The ring `GREY_ENCRYPTION_KEYS` holds, or the one in the file `GREY_ENCRYPTION_KEY_FILE`
    /// names; nil when neither is set (blobs are then stored as they are).
    public static func fromEnvironment(_ environment: [String: String]) throws -> EncryptionKeyRing? {
        switch (environment[keysVariable], environment[keyFileVariable]) {
        case (nil, nil): nil
        case (let text?, nil): try EncryptionKeyRing(parsing: text)
        case (nil, let path?): try EncryptionKeyRing(contentsOfFile: path)
        case (.some, .some): throw EncryptionKeyRingError.conflictingSources
        }
    }
}
