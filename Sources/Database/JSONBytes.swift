/// A JSON text built by hand, for what every posting writes inside the posting runner
/// that every transfer waits for: its transaction's body (`TransactionBody.jsonBytes()`)
/// and its audit event's details. Foundation's encoder was a tenth of the server's CPU
/// there. It writes what `JSONEncoder.api` writes for the same values, byte for byte
/// (`JSONBytesTests`).
public struct JSONBytes {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Bytes that are JSON already: punctuation and quoted key names.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `value` quoted, escaped as Foundation's encoder does (slashes left as they are).
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string, or `null`.
    public mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
