import Crypto

/// Named 256-bit master keys, which wrap the random data key of each encrypted blob.
///
/// The first key is active: it wraps the data keys of new blobs. The others only unwrap
/// those of blobs written before (rotation: put the new key first and keep the old ones
/// as long as blobs are stored under them). No description of a ring shows key bytes.
public struct EncryptionKeyRing: Sendable, CustomStringConvertible, CustomReflectable {
    /// The longest key id (ids are 1 to 32 of `A-Z a-z 0-9 _ -`).
    public static let maximumIDLength = 32
    /// The bytes of a master key.
    public static let keyByteCount = 32

    private let keys: [MasterKey]

    /// Builds a ring from checked keys, the active one first.
    init(keys: [MasterKey]) {
        precondition(!keys.isEmpty, "a key ring holds at least one key")
        self.keys = keys
    }

    /// The ids of the keys, the active one first.
    public var ids: [String] { keys.map(\.id) }

    /// The id of the key that wraps the data keys of new blobs.
    public var activeKeyID: String { keys[0].id }

    var activeKey: MasterKey { keys[0] }

    /// The key named `id`, if the ring holds it.
    func key(id: String) -> MasterKey? { keys.first { $0.id == id } }

    /// Whether `id` is a well-formed key id.
    static func isValidID(_ id: some StringProtocol) -> Bool {
        let bytes = Array(id.utf8)
        return (1...maximumIDLength).contains(bytes.count) && bytes.allSatisfy(isIDByte)
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    public var description: String { "EncryptionKeyRing(\(ids.joined(separator: ", ")))" }

    /// The ids only, so that `dump` and debuggers show no key bytes either.
    public var customMirror: Mirror { Mirror(self, children: ["ids": ids]) }
}

/// One named master key.
final class MasterKey: @unchecked Sendable {
    // Safe: immutable after init (SymmetricKey, not Sendable itself, is a value whose
    // bytes are never written after it was made).
    let id: String
    let key: SymmetricKey

    init(id: String, key: SymmetricKey) {
        self.id = id
        self.key = key
    }
}
